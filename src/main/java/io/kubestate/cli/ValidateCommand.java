package io.kubestate.cli;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problem;
import io.kubestate.config.Problems;
import io.kubestate.config.Wildcards;
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
        + "would be silently ignored) and exit 2. A wildcard entry (version or kind \"*\") is checked as one kind: "
        + "its kinds come from discovery.")
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
        out.println(file + ": valid (" + compiled.kinds().size() + " kind(s), " + compiled.familyCount() + " families"
            + wildcards(compiled) + ")");
      }
    }
    problems.sort(Problem.BY_POSITION);
    problems.forEach(err::println);
    out.flush();
    err.flush();
    return problems.isEmpty() ? 0 : INVALID;
  }

  /** What the wildcard entries add, whose kinds are not known before the API (or render's objects) is asked. */
  private static String wildcards(CompiledConfig compiled) {
    StringBuilder out = new StringBuilder();
    for (Wildcards.Match m : compiled.wildcards()) {
      int n = m.entry().families().size();
      out.append("; ").append(n).append(n == 1 ? " family" : " families").append(" for every kind of ")
          .append(m.entry().pattern());
    }
    return out.isEmpty() ? "" : out.append(": the kinds come from discovery (the CustomResourceDefinitions of the"
        + " group) when running, from the objects given to render").toString();
  }
}
