package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import io.kubestate.testing.Exporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
  @TempDir Path tmp;

  @Test
  void everyCommandAnswersHelpWithItsUsage() {
    for (String command : List.of("run", "render", "validate", "presets", "metrics-doc")) {
      for (String flag : List.of("--help", "-h")) {
        CliRunner.Result r = CliRunner.run(command, flag);
        assertThat(r.exitCode()).as(command + " " + flag).isZero();
        assertThat(r.out()).as(command + " " + flag).startsWith("Usage: kube-state-otel " + command);
      }
    }
    CliRunner.Result top = CliRunner.run("--help");
    assertThat(top.exitCode()).isZero();
    assertThat(top.out()).contains("Commands:").contains("kube-state-otel COMMAND --help");
  }

  @Test
  void aBadOptionOrValueIsTwoLinesAndExitCodeTwo() {
    CliRunner.Result value = CliRunner.run("--metrics-port", "abc");
    assertThat(value.exitCode()).isEqualTo(2);
    assertThat(value.err().strip().lines()).containsExactly(
        "Invalid value for option '--metrics-port': 'abc' is not an int", "`kube-state-otel run --help` lists the options.");
    CliRunner.Result duration = CliRunner.run("--reload-period", "5x");
    assertThat(duration.err()).startsWith("Invalid value for option '--reload-period': '5x' is not a duration: write 30s,");
    CliRunner.Result typo = CliRunner.run("render", "--confg", "x.yaml");
    assertThat(typo.exitCode()).isEqualTo(2);
    assertThat(typo.err().strip().lines()).hasSize(2).first().isEqualTo("Unknown option: '--confg'");
    assertThat(typo.err()).contains("--config");
  }

  @Test
  void durationsAreReadAsKubernetesUsersWriteThemOrAsIso8601() {
    DurationConverter durations = new DurationConverter();
    assertThat(durations.convert("30s")).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(durations.convert("500ms")).isEqualTo(java.time.Duration.ofMillis(500));
    assertThat(durations.convert("5m")).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(durations.convert("PT1H")).isEqualTo(java.time.Duration.ofHours(1));
  }

  @Test
  void aMissingKubeconfigIsOneLineAndExitCodeTwo() {
    CliRunner.Result r = CliRunner.run("--preset", "tekton", "--kubeconfig", tmp.resolve("nonexistent").toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--kubeconfig").contains("no such file").contains("run --help")
        .doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aMetricsPortInUseSaysWhichFlagChoosesAnotherAndExitsOne() throws IOException {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path kubeconfig = write("kubeconfig", """
          apiVersion: v1
          kind: Config
          clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
          contexts: [{name: c, context: {cluster: c, user: u}}]
          users: [{name: u, user: {token: t}}]
          current-context: c
          """);
      CliRunner.Result r = CliRunner.run("--preset", "tekton", "--kubeconfig", kubeconfig.toString(),
          "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(taken.getLocalPort()),
          "--telemetry-port", "0");
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("127.0.0.1:" + taken.getLocalPort()).contains("address already in use")
          .contains("--metrics-port").doesNotContain("\tat ");
    }
  }

  @Test
  void presetsListsOnePresetPerLine() {
    CliRunner.Result r = CliRunner.run("presets");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().lines()).anySatisfy(l -> assertThat(l).startsWith("tekton ").contains("PipelineRun"))
        .anySatisfy(l -> assertThat(l).startsWith("kueue ").contains("Workload"));
  }

  @Test
  void validateAcceptsAGoodFileAndListsEveryProblemOfABadOne() throws IOException {
    Path good = write("good.yaml", """
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Widget
            families:
              - {name: widget.info, type: info}
        """);
    Path bad = write("bad.yaml", """
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Widget
            families:
              - {name: widget.size, type: gauge}
              - {name: widget.info, type: info, colour: blue}
        """);
    CliRunner.Result ok = CliRunner.run("validate", "--config", good.toString());
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.out()).contains("good.yaml: valid (1 kind(s), 1 families)");

    CliRunner.Result ko = CliRunner.run("validate", "--config", good.toString(), "--config", bad.toString());
    assertThat(ko.exitCode()).isEqualTo(2);
    assertThat(ko.err().lines()).containsExactly(
        bad + ":7:9: a gauge needs a \"value\"",
        bad + ":8:41: unknown key \"colour\"; allowed here: name, type, description, unit, each, attributes, "
            + "attributesFrom, value, states, stateAttribute, when, aggregate");
  }

  /** A broken YAML file stops only itself; the problems of every stage of the other come with its, sorted. */
  @Test
  void validateReportsEveryStageInOneRunSortedAtTheTextAtFaultEachOnce() throws IOException {
    Path broken = write("broken.yaml", """
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
           kind: Widget
        """);
    Path mistakes = write("mistakes.yaml", """
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Widget
            families:
              - name: widget.replicas
                type: gauge
                atributes: {a: metadata.name}
                value: {path: spec.replicas, as: numbr}
              - name: widget.ready
                type: gauge
                value: {cel: "object.status.(ready"}
              - name: widget.port
                type: gauge
                each: spec.ports[0
                value: port
              - name: 9lives
                type: info
        """);
    CliRunner.Result r = CliRunner.run("validate", "--config", mistakes.toString(), "--config", broken.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).doesNotHaveDuplicates().containsExactly(
        broken + ":5:4: invalid YAML: expected <block end>, but found '<block mapping start>'",
        mistakes + ":9:9: unknown key \"atributes\" (did you mean \"attributes\"?); allowed here: name, type,"
            + " description, unit, each, attributes, attributesFrom, value, states, stateAttribute, when, aggregate",
        mistakes + ":10:42: unknown conversion \"numbr\"; use number, boolean, timestamp, duration, quantity or"
            + " kube-state-metrics",
        mistakes + ":13:37: invalid CEL expression: no viable alternative at input '.('",
        mistakes + ":16:15: invalid path \"spec.ports[0\" at character 13: expected ']'",
        mistakes + ":18:15: invalid metric name \"9lives\": letters, digits, '_', '.', '-' and '/', starting with a"
            + " letter, at most 255 characters");
  }

  @Test
  void renderExplainsWhatIsMissing() throws IOException {
    Path objects = write("objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    assertThat(CliRunner.run("render", objects.toString()).err()).contains("give --preset NAME or --config FILE");
    CliRunner.Result r = CliRunner.run("render", "--preset", "tekton", objects.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("1 object(s) matched no resource of the config");
    assertThat(CliRunner.run("render", "--preset", "tekton", "--now", "yesterday", objects.toString()).err())
        .contains("--now: not an RFC3339 timestamp");
  }

  @Test
  void clusterConnectionIsNoneWithoutKubeconfigOrServiceAccount() throws IOException {
    assertThat(ClusterConnection.resolve(null, null, Map.of(), tmp)).isNull();
    assertThat(ClusterConnection.resolve(null, null, Map.of("KUBECONFIG", tmp.resolve("missing").toString()), tmp))
        .isNull();
    Path kubeconfig = write("kubeconfig", """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443"}}]
        contexts: [{name: ctx, context: {cluster: c, user: u}}]
        users: [{name: u, user: {token: abc}}]
        current-context: ctx
        """);
    assertThat(ClusterConnection.resolve(kubeconfig, null, Map.of(), tmp).getMasterUrl())
        .startsWith("https://10.0.0.1:6443");
    assertThat(ClusterConnection.resolve(null, null, Map.of("KUBECONFIG", kubeconfig.toString()), tmp)).isNotNull();
  }

  @Test
  void withNoClusterAtAllTheProcessSaysHowToProceedAndFails() throws Exception {
    ProcessBuilder pb = Exporter.process(List.of("-Duser.home=" + tmp),
        "--preset", "tekton", "--metrics-port", "0", "--telemetry-port", "0");
    pb.environment().remove("KUBECONFIG");
    pb.environment().remove("KUBERNETES_SERVICE_HOST");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isEqualTo(1);
    assertThat(output).contains("no Kubernetes cluster configured").contains("--kubeconfig").contains("--demo");
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(tmp.resolve(name), text);
  }
}
