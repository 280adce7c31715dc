package io.kubestate.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Prometheus text exposition as a reader compares it: the HELP and TYPE of each family, and the
 * samples as name, label set and value, so that neither label order nor sample order matters.
 * Comment lines other than HELP and TYPE are skipped, which lets hand-written expectations explain
 * themselves.
 *
 * @param headers the HELP and TYPE lines of each family, in the order written
 */
public record Exposition(Map<String, List<String>> headers, List<Series> series) {

  /** A sample: name, label set, value. */
  public record Series(String name, Map<String, String> labels, double value) {
    public Series {
      labels = new TreeMap<>(labels);
    }

    @Override
    public String toString() {
      return name + labels + " " + value;
    }
  }

  public static Exposition parse(String text) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    List<Series> series = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String rest = line.substring(7);
        int space = rest.indexOf(' ');
        String name = space < 0 ? rest : rest.substring(0, space);
        headers.computeIfAbsent(name, n -> new ArrayList<>()).add(line);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        series.add(sample(line));
      }
    }
    return new Exposition(headers, series);
  }

  private static Series sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ', brace < 0 ? 0 : line.lastIndexOf('}'));
    String name = line.substring(0, brace < 0 ? space : brace);
    Map<String, String> labels = new TreeMap<>();
    if (brace >= 0) {
      int i = brace + 1;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq).strip();
        StringBuilder value = new StringBuilder();
        i = eq + 2;
        while (line.charAt(i) != '"') {
          char c = line.charAt(i++);
          if (c == '\\') {
            char escaped = line.charAt(i++);
            value.append(escaped == 'n' ? '\n' : escaped);
          } else {
            value.append(c);
          }
        }
        i++;
        if (labels.put(key, value.toString()) != null) {
          throw new IllegalArgumentException("label " + key + " twice in: " + line);
        }
        if (line.charAt(i) == ',') {
          i++;
        }
      }
    }
    String value = line.substring(space + 1).strip();
    int timestamp = value.indexOf(' ');
    return new Series(name, labels, number(timestamp < 0 ? value : value.substring(0, timestamp)));
  }

  private static double number(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(s);
    };
  }
}
