package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.testing.Exposition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code render} resolves a wildcard entry to the kinds of its group that the objects are of: a
 * kube-state-metrics entry to each version of each kind, as kube-state-metrics' discovery gives
 * one store per served version; a native entry to each kind, whichever version its objects have.
 */
class WildcardRenderTest {
  private static final Path OBJECTS = Path.of("src/test/resources/wildcards/objects.yaml");

  @TempDir Path tmp;

  private Exposition render(String config) throws IOException {
    Path file = Files.writeString(tmp.resolve("config.yaml"), config);
    CliRunner.Result r = CliRunner.run("render", "--config", file.toString(), OBJECTS.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).contains("1 object(s) matched no resource of the config");
    return Exposition.parse(r.out());
  }

  private static java.util.List<Exposition.Series> series(String... lines) {
    return Exposition.parse(String.join("\n", lines)).series();
  }

  @Test
  void aKubeStateMetricsEntryGivesEachServedVersionItsSeriesAndALaterEntryForAKindReplacesIt() throws IOException {
    Exposition out = render("""
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: {group: s3.aws.upbound.io, version: "*", kind: "*"}
              labelsFromPath: {name: [metadata, name]}
              metrics:
                - name: ready
                  each:
                    type: Gauge
                    gauge: {path: [status, conditions, "[type=Ready]", status]}
            - groupVersionKind: {group: s3.aws.upbound.io, version: v1beta1, kind: BucketVersioning}
              metrics:
                - name: versioning_info
                  each: {type: Info, info: {labelsFromPath: {name: [metadata, name]}}}
        """);
    assertThat(out.series()).containsExactlyInAnyOrderElementsOf(series(
        "kube_customresource_ready{customresource_group=\"s3.aws.upbound.io\",customresource_kind=\"Bucket\","
            + "customresource_version=\"v1beta1\",name=\"team-a-artifacts\"} 1",
        "kube_customresource_ready{customresource_group=\"s3.aws.upbound.io\",customresource_kind=\"Bucket\","
            + "customresource_version=\"v1beta2\",name=\"team-a-artifacts\"} 1",
        "kube_customresource_versioning_info{customresource_group=\"s3.aws.upbound.io\","
            + "customresource_kind=\"BucketVersioning\",customresource_version=\"v1beta1\","
            + "name=\"team-a-artifacts-versioning\"} 1"));
  }

  @Test
  void aNativeEntryGivesEachKindItsFamiliesAtTheVersionsItsObjectsHave() throws IOException {
    Exposition out = render("""
        kind: MetricsConfig
        resources:
          - group: s3.aws.upbound.io
            version: "*"
            kind: "*"
            attributes:
              crossplane.resource.api_version: apiVersion
              crossplane.resource.kind: kind
            families:
              - name: crossplane.managed.ready
                type: gauge
                each: [status.conditions]
                when: [{path: type, equals: Ready}]
                value: {path: status, map: {"True": 1}, default: 0}
        """);
    assertThat(out.series()).containsExactlyInAnyOrderElementsOf(series(
        "crossplane_managed_ready{crossplane_resource_api_version=\"s3.aws.upbound.io/v1beta1\","
            + "crossplane_resource_kind=\"Bucket\"} 1",
        "crossplane_managed_ready{crossplane_resource_api_version=\"s3.aws.upbound.io/v1beta2\","
            + "crossplane_resource_kind=\"Bucket\"} 1",
        "crossplane_managed_ready{crossplane_resource_api_version=\"s3.aws.upbound.io/v1beta1\","
            + "crossplane_resource_kind=\"BucketVersioning\"} 0"));
  }
}
