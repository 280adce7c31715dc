package io.kubestate.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Loads config files and presets into one {@link MetricsConfig}. Structural problems of all inputs
 * are collected and thrown together.
 */
public final class ConfigLoader {
  private static final Logger logger = Logger.getLogger(ConfigLoader.class.getName());

  private ConfigLoader() {}

  /** The merged config; throws a {@link ConfigException} listing every error, and logs the warnings. */
  public static MetricsConfig load(List<String> presets, List<Path> files) {
    Problems problems = new Problems();
    MetricsConfig merged = read(presets, files, problems);
    problems.throwIfAny();
    logWarnings(problems);
    return merged;
  }

  /** Logs each warning once, for the commands that carry on with a config that has some. */
  public static void logWarnings(Problems problems) {
    for (Problem warning : problems.warnings()) {
      logger.warning(warning.toString());
    }
  }

  /**
   * Everything that could be read of the presets and files, merged, with every problem added to
   * {@code problems}: a file that cannot be read or parsed leaves out only itself.
   */
  public static MetricsConfig read(List<String> presets, List<Path> files, Problems problems) {
    List<MetricsConfig> parts = new ArrayList<>();
    for (String preset : presets) {
      if (!Presets.exists(preset)) {
        problems.add(Position.of(Presets.source(preset)), "unknown preset \"" + preset + "\"; available: "
            + String.join(", ", Presets.names()));
      }
    }
    Deque<String> pending = new ArrayDeque<>(presets);
    Set<String> loaded = new HashSet<>();
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        problems.add(Position.of(file.toString()), "cannot read config file: " + e.getMessage());
        continue;
      }
      MetricsConfig part = parse(file.toString(), text, problems);
      parts.add(part);
      pending.addAll(part.includes());
    }
    // A preset is loaded once, however many presets and files name or include it.
    while (!pending.isEmpty()) {
      String preset = pending.pop();
      // Unknown names were reported above (command line) or by the file that includes them.
      if (loaded.add(preset) && Presets.exists(preset)) {
        MetricsConfig part = parse(Presets.source(preset), Presets.text(preset), problems);
        parts.add(part);
        pending.addAll(part.includes());
      }
    }
    return MetricsConfig.merge(parts, problems);
  }

  /** Parses one file's text; problems are added to {@code problems}. */
  public static MetricsConfig parse(String source, String text, Problems problems) {
    List<Node> docs = YamlReader.readAll(source, text, problems);
    List<MetricsConfig> parts = new ArrayList<>();
    for (Node doc : docs) {
      if (doc instanceof Node.Scalar s && s.value() == null) {
        continue;
      }
      Fields top = Fields.of(doc, "a config document", problems);
      if (top == null) {
        continue;
      }
      Node kind = top.node("kind");
      Object word = kind instanceof Node.Scalar s ? s.value() : null;
      if (NativeConfigParser.KIND.equals(word)) {
        parts.add(new NativeConfigParser(problems).parse(top));
      } else if (KsmConfigParser.KIND.equals(word) || (kind == null && top.has("spec"))) {
        // kube-state-metrics reads only "spec"; configs kept as Helm values (such as Flux's monitoring
        // example) carry no "kind".
        parts.add(new KsmConfigParser(problems).parse(top));
      } else {
        problems.add(kind == null ? top.position() : kind.position(),
            "unknown config kind " + (word == null ? "(missing \"kind\")" : "\"" + word + "\"")
                + "; expected \"" + NativeConfigParser.KIND + "\" or \"" + KsmConfigParser.KIND + "\"");
      }
    }
    if (parts.isEmpty() && problems.isEmpty()) {
      problems.add(Position.of(source), "the file holds no config document");
    }
    return MetricsConfig.merge(parts, problems);
  }

  static String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
