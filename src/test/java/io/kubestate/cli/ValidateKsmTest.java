package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.testing.LogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What kube-state-metrics silently drops, validate says, with file, line and column. */
class ValidateKsmTest {
  @TempDir Path tmp;

  private Path write(String text) throws IOException {
    return Files.writeString(tmp.resolve("crs.yaml"), text);
  }

  @Test
  void aValidKubeStateMetricsConfigIsValid() throws IOException {
    Path file = write("""
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: {group: myteam.io, version: v1, kind: Foo}
              metrics:
                - name: replicas
                  help: Replicas
                  each: {type: Gauge, gauge: {path: [spec, replicas]}}
        """);
    CliRunner.Result r = CliRunner.run("validate", "--config", file.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("valid (1 kind(s), 1 families)");
  }

  @Test
  void silentDropsAreWarningsWithPositionsSaidOnce() throws IOException {
    Path file = write("""
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: {group: myteam.io, version: v1, kind: Foo}
              metrics:
                - name: phase
                  each:
                    type: StateSet
                    stateSet: {path: [status, phase], labelName: phase}
                - name: replicas
                  each: {type: Gauge, gauge: {path: [spec, replicas], valueFom: [x]}}
        """);
    CliRunner.Result r;
    List<String> logged;
    try (LogCapture logs = LogCapture.of("io.kubestate")) {
      r = CliRunner.run("validate", "--config", file.toString());
      logged = logs.messages();
    }
    assertThat(logged).as("printed by validate, not logged a second time").isEmpty();
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly(
        file + ":9:23: warning: StateSet phase has no \"list\" of states: kube-state-metrics emits nothing for it",
        file + ":11:63: warning: unknown key \"valueFom\" (did you mean \"valueFrom\"?), which kube-state-metrics"
            + " ignores; allowed here: path, labelsFromPath, valueFrom, nilIsZero, labelFromKey");
  }

  @Test
  void aFileWithoutSpecSaysItDefinesNothing() throws IOException {
    Path file = write("""
        kind: CustomResourceStateMetrics
        resources:
          - groupVersionKind: {group: myteam.io, version: v1, kind: Foo}
        """);
    CliRunner.Result r = CliRunner.run("validate", "--config", file.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly(
        file + ":1:1: warning: no \"spec\": kube-state-metrics reads its resources from spec.resources, so this file"
            + " defines no metrics",
        file + ":2:1: warning: unknown key \"resources\", which kube-state-metrics ignores; allowed here: kind,"
            + " apiVersion, spec");
  }

  @Test
  void oneNameWithTwoTypesIsAnError() throws IOException {
    Path file = write("""
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: {group: myteam.io, version: v1, kind: Foo}
              metrics:
                - name: replicas
                  each: {type: Gauge, gauge: {path: [spec, replicas]}}
                - name: replicas
                  each: {type: Info, info: {labelsFromPath: {n: [spec, replicas]}}}
        """);
    CliRunner.Result r = CliRunner.run("validate", "--config", file.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly(file + ":8:11: family \"kube_customresource_replicas\" is a info here"
        + " but a gauge at " + file + ":6:11");
  }

  @Test
  void aKindConfiguredTwiceKeepsTheLastEntryAndSaysSo() throws IOException {
    Path file = write("""
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: {group: myteam.io, version: v1, kind: Foo}
              metrics:
                - name: replicas
                  each: {type: Gauge, gauge: {path: [spec, replicas]}}
            - groupVersionKind: {group: myteam.io, version: v1, kind: Foo}
              metricNamePrefix: foo
              metrics:
                - name: replicas
                  each: {type: Gauge, gauge: {path: [spec, replicas]}}
        """);
    CliRunner.Result r = CliRunner.run("validate", "--config", file.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly(file + ":8:7: warning: myteam.io/v1 Foo is configured again here; as"
        + " in kube-state-metrics, this entry replaces the one at " + file + ":4:7, whose metrics are not served");
    CliRunner.Result rendered = CliRunner.run("render", "--config", file.toString(),
        "src/test/resources/kube-state-metrics/foo.yaml");
    assertThat(rendered.out()).contains("\nfoo_replicas{").doesNotContain("kube_customresource_replicas");
  }

  @Test
  void aGroupVersionKindThatIsNoMapGetsOneMessage() throws IOException {
    // The placeholder kube-state-metrics' documentation writes in its naming examples.
    Path file = write("""
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: ...
              metricNamePrefix: myteam_foos
              metrics:
                - name: uptime
        """);
    CliRunner.Result r = CliRunner.run("validate", "--config", file.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly(file + ":4:25: \"groupVersionKind\" must be a map, found a string");
  }

  @Test
  void wildcardIsAcceptedAndItsKindsAreSaidToComeFromDiscovery() throws IOException {
    Path file = write("""
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: {group: myteam.io, version: "*", kind: Foo}
              metrics:
                - name: replicas
                  each: {type: Gauge, gauge: {path: [spec, replicas]}}
        """);
    CliRunner.Result r = CliRunner.run("validate", "--config", file.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains(file + ": valid (0 kind(s), 0 families; 1 family for every kind of myteam.io/* Foo:"
        + " the kinds come from discovery");
  }

  @Test
  void wildcardWithoutGroupIsRefusedAndAPluralIsSaidToBeIgnored() throws IOException {
    Path file = write("""
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: {version: v1, kind: "*"}
              metrics:
                - name: replicas
                  each: {type: Gauge, gauge: {path: [spec, replicas]}}
            - groupVersionKind: {group: myteam.io, version: v1, kind: "*"}
              resourcePlural: foos
              metrics:
                - name: replicas
                  each: {type: Gauge, gauge: {path: [spec, replicas]}}
        """);
    CliRunner.Result r = CliRunner.run("validate", "--config", file.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().lines()).containsExactly(
        file + ":4:25: a wildcard version or kind needs a \"group\": kube-state-metrics resolves it to the kinds that"
            + " CustomResourceDefinitions of that one group define",
        file + ":9:23: warning: \"resourcePlural\" is ignored for a wildcard entry: as in kube-state-metrics, each kind's"
            + " plural comes from its CustomResourceDefinition");
  }
}
