package io.kubestate.cli;

import io.kubestate.config.ConfigException;
import io.kubestate.config.Problem;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --preset} and {@code --config} options shared by the subcommands that load metrics. */
final class ConfigOptions {
  @Option(names = "--preset", paramLabel = "NAME", split = ",",
      description = "A built-in preset (repeatable or comma-separated); `presets` lists them.")
  List<String> presets = new ArrayList<>();

  @Option(names = "--config", paramLabel = "FILE", description = "A metrics config file (repeatable).")
  List<Path> configs = new ArrayList<>();

  boolean isEmpty() {
    return presets.isEmpty() && configs.isEmpty();
  }

  /** Loads and compiles, or prints every problem and returns null. */
  CompiledConfig compile(PrintWriter err, List<String> defaultPresets) {
    List<String> p = isEmpty() ? defaultPresets : presets;
    try {
      return Compiler.load(p, configs);
    } catch (ConfigException e) {
      for (Problem problem : e.problems()) {
        err.println(problem);
      }
      err.flush();
      return null;
    }
  }
}
