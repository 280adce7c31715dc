package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubestate.testing.Crds;
import io.kubestate.testing.Exporter;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wildcard entries in the running exporter, against the API mock server: the kinds of the group
 * installed before the start are measured, a CustomResourceDefinition installed while it runs
 * joins, and one deleted takes its series with it.
 */
@EnableKubernetesMockClient(crud = true)
class WildcardKindsRunTest {
  private static final Path PUBLISHED = Path.of("src/test/resources/kube-state-metrics/published");
  private static final ResourceDefinitionContext REQUIRED_LABELS = Crds.clusterScoped("constraints.gatekeeper.sh",
      "v1beta1", "K8sRequiredLabels", "k8srequiredlabels");
  private static final ResourceDefinitionContext ALLOWED_REPOS = Crds.clusterScoped("constraints.gatekeeper.sh",
      "v1beta1", "K8sAllowedRepos", "k8sallowedrepos");
  private static final ResourceDefinitionContext BUCKETS = Crds.clusterScoped("s3.aws.upbound.io", "v1beta1",
      "Bucket", "buckets");
  private static final ResourceDefinitionContext VERSIONINGS = Crds.clusterScoped("s3.aws.upbound.io", "v1beta1",
      "BucketVersioning", "bucketversionings");

  /** The native form of the Crossplane mirror: one watch per kind, at the first version the API serves. */
  private static final String NATIVE = """
      kind: MetricsConfig
      resources:
        - group: s3.aws.upbound.io
          version: "*"
          kind: "*"
          attributes:
            crossplane.resource.kind: kind
            crossplane.resource.name: metadata.name
          families:
            - name: crossplane.managed.condition
              type: gauge
              each: [status.conditions]
              attributes:
                condition.type: type
              value: {path: status, map: {"True": 1}, default: 0}
      """;

  KubernetesClient client;
  @TempDir Path tmp;
  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void kindsOfTheGroupFollowTheirDefinitionsWhileRunning() throws Exception {
    Crds.install(client, REQUIRED_LABELS);
    Crds.install(client, BUCKETS);
    create(REQUIRED_LABELS, "gatekeeper", 0);
    create(BUCKETS, "crossplane", 0);
    Path nativeConfig = Files.writeString(tmp.resolve("crossplane.yaml"), NATIVE);
    int metrics = Ports.free();
    int health = Ports.free();
    process = Exporter.process("--kubeconfig", Exporter.kubeconfig(tmp, client).toString(),
        "--config", PUBLISHED.resolve("gatekeeper/config.yaml").toString(), "--config", nativeConfig.toString(),
        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metrics),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(health))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("out.log").toFile()).start();

    // Ready only once the wildcards' kinds, which the definitions name, are listed and measured.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> Scrape.get("http://127.0.0.1:" + health + "/readyz", "text/plain").startsWith("ready"));
    assertThat(Scrape.text(metrics))
        .contains("kube_customresource_constraint_violations{customresource_group=\"constraints.gatekeeper.sh\","
            + "customresource_kind=\"K8sRequiredLabels\",customresource_version=\"v1beta1\"} 2")
        .contains("object_name=\"payments\"")
        .contains("crossplane_managed_condition{condition_type=\"Ready\",crossplane_resource_kind=\"Bucket\","
            + "crossplane_resource_name=\"team-a-artifacts\"} 1")
        .contains("kube_state_otel_wildcard_kinds{group=\"constraints.gatekeeper.sh\",kind=\"*\",version=\"v1beta1\"} 1")
        .contains("kube_state_otel_wildcard_kinds{group=\"s3.aws.upbound.io\",kind=\"*\",version=\"*\"} 1");

    Crds.install(client, ALLOWED_REPOS);
    create(ALLOWED_REPOS, "gatekeeper", 1);
    Crds.install(client, VERSIONINGS);
    create(VERSIONINGS, "crossplane", 1);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Scrape.text(metrics))
        .contains("kube_customresource_constraint_violations{customresource_group=\"constraints.gatekeeper.sh\","
            + "customresource_kind=\"K8sAllowedRepos\",customresource_version=\"v1beta1\"} 0")
        .contains("crossplane_managed_condition{condition_type=\"Synced\",crossplane_resource_kind=\"BucketVersioning\","
            + "crossplane_resource_name=\"team-a-artifacts-versioning\"} 0")
        .contains("kube_state_otel_wildcard_kinds{group=\"constraints.gatekeeper.sh\",kind=\"*\",version=\"v1beta1\"} 2")
        .contains("kube_state_otel_wildcard_kinds{group=\"s3.aws.upbound.io\",kind=\"*\",version=\"*\"} 2"));

    client.apiextensions().v1().customResourceDefinitions().withName("k8sallowedrepos.constraints.gatekeeper.sh")
        .delete();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Scrape.text(metrics))
        .doesNotContain("K8sAllowedRepos")
        .contains("customresource_kind=\"K8sRequiredLabels\"")
        .contains("kube_state_otel_wildcard_kinds{group=\"constraints.gatekeeper.sh\",kind=\"*\",version=\"v1beta1\"} 1")
        .contains("crossplane_resource_kind=\"BucketVersioning\""));
    assertThat(Files.readString(tmp.resolve("out.log"))).contains("wildcard entries resolved: ");
  }

  /** Creates the document at {@code index} of a published mirror's objects. */
  private void create(ResourceDefinitionContext kind, String project, int index) throws Exception {
    String all = Files.readString(PUBLISHED.resolve(project).resolve("objects.yaml"));
    String doc = List.of(all.split("(?m)^---$")).get(index);
    GenericKubernetesResource r = client.getKubernetesSerialization().unmarshal(doc, GenericKubernetesResource.class);
    client.genericKubernetesResources(kind).resource(r).create();
  }
}
