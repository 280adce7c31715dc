package io.kubestate.cli;

import io.kubestate.config.ConfigException;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.KindMetrics;
import io.kubestate.source.FileSource;
import io.kubestate.telemetry.PrometheusRendering;
import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "render", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Print the Prometheus text exposition the server would serve for the Kubernetes objects in the "
        + "given YAML files (several documents per file and `kind: List` allowed), series sorted. A wildcard entry "
        + "stands for the kinds of its group that the objects are of.")
final class RenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigOptions config = new ConfigOptions();

  @Option(names = "--now", paramLabel = "RFC3339",
      description = "The clock for durations (for example 2026-01-01T00:00:00Z), for reproducible output.")
  String now;

  @Option(names = "--cardinality-limit", paramLabel = "N", defaultValue = "" + RunCommand.DEFAULT_CARDINALITY_LIMIT,
      description = "Series per instrument before overflow (default: ${DEFAULT-VALUE}).")
  int cardinalityLimit;

  @Parameters(paramLabel = "FILE", arity = "1..*", description = "YAML files holding Kubernetes objects.")
  List<Path> files;

  @Override
  public Integer call() {
    var err = spec.commandLine().getErr();
    if (config.isEmpty()) {
      err.println("nothing to render: give --preset NAME or --config FILE");
      err.flush();
      return ValidateCommand.INVALID;
    }
    Clock clock;
    try {
      clock = now == null ? Clock.systemUTC() : Clock.fixed(OffsetDateTime.parse(now).toInstant(), ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      err.println("--now: not an RFC3339 timestamp: " + now);
      err.flush();
      return ValidateCommand.INVALID;
    }
    CompiledConfig compiled = config.compile(err, List.of());
    if (compiled == null) {
      return ValidateCommand.INVALID;
    }
    List<Map<String, Object>> objects;
    try {
      objects = FileSource.readAll(files);
    } catch (ConfigException e) {
      e.problems().forEach(err::println);
      err.flush();
      return 1;
    }
    try {
      // No API to ask: a wildcard entry stands for the kinds of its group that the objects are of.
      compiled = compiled.resolve(FileSource.kinds(objects, compiled.wildcardGroups()));
    } catch (ConfigException e) {
      e.problems().forEach(err::println);
      err.flush();
      return ValidateCommand.INVALID;
    }
    FileSource source = FileSource.of(objects, compiled.kinds().stream().map(KindMetrics::target).toList());
    if (source.unmatched() > 0) {
      err.println(source.unmatched() + " object(s) matched no resource of the config and were left out");
      err.flush();
    }
    var out = spec.commandLine().getOut();
    out.print(PrometheusRendering.render(compiled, source, clock, cardinalityLimit));
    out.flush();
    return 0;
  }
}
