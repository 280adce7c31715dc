package io.kubestate.cli;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problem;
import io.kubestate.config.Problems;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Check config files (native or kube-state-metrics CustomResourceStateMetrics). Exit 0 when valid; "
        + "otherwise print every problem of every file, sorted, as FILE:LINE:COLUMN: message (warnings for what "
        + "would be silently ignored) and exit 2.")
final class ValidateCommand implements Callable<Integer> {
  static final int INVALID = 2;

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", required = true, arity = "1..*",
      description = "Config files to check.")
  List<Path> configs;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    List<Problem> problems = new ArrayList<>();
    for (Path file : configs) {
      // Each file on its own, every stage on what the one before could read: one run says everything.
      Problems found = new Problems();
      CompiledConfig compiled = Compiler.compile(ConfigLoader.read(List.of(), List.of(file), found), found);
      problems.addAll(found.list());
      if (found.isEmpty()) {
        out.println(file + ": valid (" + compiled.kinds().size() + " kind(s), " + compiled.familyCount() + " families)");
      }
    }
    problems.sort(Problem.BY_POSITION);
    problems.forEach(err::println);
    out.flush();
    err.flush();
    return problems.isEmpty() ? 0 : INVALID;
  }
}
