package io.kubestate.bench;

import java.util.HashMap;
import java.util.Map;

/** A benchmark's options: {@code key=value} words, as one argument or several. */
final class Options {
  private Options() {}

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String a : String.join(" ", args).trim().split("\\s+")) {
      int eq = a.indexOf('=');
      if (eq > 0) {
        options.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    return options;
  }
}
