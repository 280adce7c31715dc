package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.testing.Exposition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube-state-metrics configs as projects publish them, each mirrored (same constructs, used the
 * same way) on objects shaped like that project's kinds; the comment at the top of each config
 * names the published config. {@code validate} takes each as it is, without a warning, and
 * {@code render} gives the series kube-state-metrics gives, with one HELP and TYPE per family:
 * {@code expected.prom} beside each config was worked out by hand from kube-state-metrics' code.
 */
class PublishedKsmConfigsTest {
  private static final Path CASES = Path.of("src/test/resources/kube-state-metrics/published");

  static Stream<String> projects() {
    return Stream.of("ksm-docs", "vpa", "flux", "cluster-api", "kuadrant", "cert-manager", "gatekeeper", "crossplane");
  }

  @ParameterizedTest
  @MethodSource("projects")
  void validateAcceptsTheConfigWithoutAWord(String project) {
    Path config = CASES.resolve(project).resolve("config.yaml");
    CliRunner.Result r = CliRunner.run("validate", "--config", config.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith(config + ": valid (");
  }

  @ParameterizedTest
  @MethodSource("projects")
  void renderGivesTheSeriesKubeStateMetricsGives(String project) throws IOException {
    Path dir = CASES.resolve(project);
    CliRunner.Result r = CliRunner.run("render", "--config", dir.resolve("config.yaml").toString(),
        dir.resolve("objects.yaml").toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    Exposition actual = Exposition.parse(r.out());
    Exposition expected = Exposition.parse(Files.readString(dir.resolve("expected.prom"), StandardCharsets.UTF_8));
    assertThat(actual.series()).containsExactlyInAnyOrderElementsOf(expected.series());
    assertThat(actual.headers()).containsExactlyInAnyOrderEntriesOf(expected.headers());
  }
}
