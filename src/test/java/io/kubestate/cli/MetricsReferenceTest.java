package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Presets;
import io.kubestate.expr.CompiledFamily;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.telemetry.PrometheusNaming;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/metrics.md is generated from the presets; a preset changed without regenerating it fails here. */
class MetricsReferenceTest {
  private static final Path REFERENCE = Path.of("docs/metrics.md");

  @Test
  void committedReferenceIsWhatMetricsDocPrints() throws IOException {
    CliRunner.Result result = CliRunner.run("metrics-doc");
    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(Files.exists(REFERENCE)).as("%s is missing; generate it with: mvn -B package -DskipTests && %s",
        REFERENCE, MetricsDocCommand.REGENERATE).isTrue();
    assertThat(Files.readString(REFERENCE, StandardCharsets.UTF_8))
        .as("%s is out of date with the presets; regenerate it with: mvn -B package -DskipTests && %s",
            REFERENCE, MetricsDocCommand.REGENERATE)
        .isEqualTo(result.out());
  }

  @Test
  void everyFamilyOfEveryPresetIsListedUnderBothNames() {
    String doc = CliRunner.run("metrics-doc").out();
    for (Presets.Preset preset : Presets.list()) {
      assertThat(doc).contains("\n## " + preset.name() + "\n");
      for (KindMetrics kind : Compiler.compile(ConfigLoader.load(List.of(preset.name()), List.of())).kinds()) {
        for (CompiledFamily f : kind.families()) {
          assertThat(doc).as("preset %s", preset.name()).contains("| `" + f.name() + "`")
              .contains("`" + PrometheusNaming.metricName(f.name(), f.unit()) + "`");
        }
      }
    }
  }
}
