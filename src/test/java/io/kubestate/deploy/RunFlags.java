package io.kubestate.deploy;

import io.kubestate.cli.Main;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** What the exporter's `run` command makes of arguments, read from its own picocli model. */
final class RunFlags {
  private RunFlags() {}

  /** Parses {@code args} as `run` would, keeping options it does not know in {@code unmatched()}. */
  static ParseResult parse(List<String> args) {
    CommandLine main = new CommandLine(new Main());
    main.setUnmatchedArgumentsAllowed(true);
    List<String> all = new ArrayList<>(List.of("run"));
    all.addAll(args);
    return main.parseArgs(all.toArray(String[]::new)).subcommand();
  }

  /** The value an option takes when not given (with no OTEL_* variable set). */
  static <T> T defaultOf(String option) {
    return parse(List.of()).commandSpec().findOption(option).getValue();
  }
}
