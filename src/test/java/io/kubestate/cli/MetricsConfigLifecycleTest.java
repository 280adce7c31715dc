package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.kubestate.testing.Crds;
import io.kubestate.testing.Exporter;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of MetricsConfig resources in a running exporter, against the API mock server with the
 * shipped CustomResourceDefinition: created, measured on its namespace only, changed, refused when
 * broken, colliding, cluster-scoped or over its limits, deleted; the kinds the exporter already
 * watched are never listed again.
 */
@EnableKubernetesMockClient(crud = true)
class MetricsConfigLifecycleTest {
  private static final ResourceDefinitionContext METRICS_CONFIGS = Crds.namespaced("kubestate.io", "v1alpha1",
      "MetricsConfig", "metricsconfigs");
  private static final Duration WAIT = Duration.ofSeconds(30);

  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path tmp;
  private Process process;
  private final List<RecordedRequest> requests = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void tenantConfigsComeChangeAreRefusedAndGoWithoutARestart() throws Exception {
    client.apiextensions().v1().customResourceDefinitions().resource(client.getKubernetesSerialization().unmarshal(
        Files.readString(Path.of("deploy/overlays/tenant-configs/metricsconfig-crd.yaml")),
        CustomResourceDefinition.class)).create();
    Crds.installTekton(client);
    Crds.installClusterScoped(client, "example.com", "v1", "Widget", "widgets");
    run("team-a", "build-a", "cc-a", "alice", "{}");
    run("team-b", "build-b", "cc-b", "bob", "{}");
    for (int i = 0; i < 2; i++) {
      run("team-c", "build-c" + i, "cc-c", "carol", "{tier: ci}");
    }
    run("team-c", "build-c2", "cc-c", "carol", "{tier: release}");
    int metrics = Ports.free();
    process = Exporter.process("--kubeconfig", Exporter.kubeconfig(tmp, client).toString(), "--preset", "tekton",
        "--watch-config-resources", "--tenant-series-limit", "4", "--tenant-family-limit", "2",
        "--reload-period", "PT0.3S",
        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metrics),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(Ports.free()))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("out.log").toFile()).start();
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
        assertThat(Scrape.samples(Scrape.text(metrics), "tekton_pipelinerun_info")).hasSize(5));
    assertThat(clusterWideLists()).as("pipelinerun lists before any MetricsConfig").isEqualTo(1);

    // Created: measured on its own namespace, every series with its namespace, the status Ready.
    apply("team-a", "ci", family("team.pipelinerun.cost", "cost_center", "metadata.annotations[\"example.com/cost-center\"]"));
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
        assertThat(Scrape.samples(Scrape.text(metrics), "team_pipelinerun_cost")).singleElement().asString()
            .contains("cost_center=\"cc-a\"").contains("k8s_namespace_name=\"team-a\"")
            .contains("k8s_pipelinerun_name=\"build-a\""));
    await().atMost(WAIT).untilAsserted(() -> assertThat(ready("team-a", "ci"))
        .containsEntry("status", "True").containsEntry("reason", "Accepted"));
    assertThat(status("team-a", "ci").get("observedGeneration")).hasToString(generation("team-a", "ci"));
    assertThat(status("team-a", "ci")).containsEntry("problems", List.of()).containsEntry("families", 1);

    // Changed: the series follow the new spec.
    apply("team-a", "ci", family("team.pipelinerun.service_account", "service_account",
        "spec.taskRunTemplate.serviceAccountName"));
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
      String text = Scrape.text(metrics);
      assertThat(Scrape.samples(text, "team_pipelinerun_service_account")).singleElement().asString()
          .contains("service_account=\"alice\"").contains("k8s_namespace_name=\"team-a\"");
      assertThat(Scrape.samples(text, "team_pipelinerun_cost")).isEmpty();
    });
    assertThat(generation("team-a", "ci")).isNotEqualTo("1");
    await().atMost(WAIT).untilAsserted(() -> assertThat(status("team-a", "ci").get("observedGeneration"))
        .hasToString(generation("team-a", "ci")));
    assertThat(ready("team-a", "ci")).containsEntry("status", "True")
        .hasEntrySatisfying("observedGeneration", g -> assertThat(g).hasToString(generation("team-a", "ci")));

    // Described anew: the family is registered again under its name, with the new text.
    apply("team-a", "described", family("team.pipelinerun.owner", "owner", "metadata.name"));
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(Scrape.text(metrics))
        .contains("# HELP team_pipelinerun_owner What the team wants to know.\n"));
    apply("team-a", "described", family("team.pipelinerun.owner", "owner", "metadata.name")
        .replace("What the team wants to know.", "Who runs it."));
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(Scrape.text(metrics))
        .contains("# HELP team_pipelinerun_owner Who runs it.\n").containsOnlyOnce("team_pipelinerun_owner{"));

    // Broken: refused with every problem of every stage at once, in order, at their place in the
    // resource; the others keep going.
    apply("team-b", "broken", """
        resources:
          - group: tekton.dev
            kind: PipelineRun
            families:
              - {name: team.pipelinerun.broken, type: gauges, value: status.startTime, colour: blue}
              - {name: team.pipelinerun.ready, type: gauge, value: {cel: "object.status.(ready"}}
              - {name: team.pipelinerun.steps, type: gauge, each: "status.steps[0", value: {path: x, as: numbr}}
        """);
    await().atMost(WAIT).untilAsserted(() -> assertThat(ready("team-b", "broken"))
        .containsEntry("status", "False").containsEntry("reason", "Invalid"));
    assertThat(problems("team-b", "broken")).containsExactly(
        "spec.resources[0]: missing required key \"version\" (or \"versions\", in order of preference)",
        "spec.resources[0].families[0].colour: unknown key \"colour\"; allowed here: name, type, description, unit,"
            + " each, attributes, attributesFrom, value, states, stateAttribute, when, aggregate",
        "spec.resources[0].families[0].type: unknown family type \"gauges\"; use gauge, stateset or info",
        "spec.resources[0].families[1].value.cel: invalid CEL expression at character 15: no viable alternative at"
            + " input '.('",
        "spec.resources[0].families[2].each: invalid path \"status.steps[0\" at character 15: expected ']'",
        "spec.resources[0].families[2].value.as: unknown conversion \"numbr\"; use number, boolean, timestamp,"
            + " duration, quantity or kube-state-metrics");
    assertThat(Scrape.samples(Scrape.text(metrics), "team_pipelinerun_service_account")).hasSize(1);

    // Names: the same definition in another namespace is shared, a different one is refused, and so
    // is a name of the exporter's own config.
    apply("team-b", "same", family("team.pipelinerun.service_account", "service_account",
        "spec.taskRunTemplate.serviceAccountName"));
    apply("team-b", "clash", """
        resources:
          - group: tekton.dev
            version: v1
            kind: PipelineRun
            families:
              - {name: team.pipelinerun.service_account, type: gauge, value: {path: status.startTime, as: timestamp}}
        """);
    apply("team-b", "own-name", family("tekton.pipelinerun.info", "x", "metadata.name"));
    apply("team-b", "self-name", family("kube_state_otel.build.info", "x", "metadata.name"));
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
        assertThat(Scrape.samples(Scrape.text(metrics), "team_pipelinerun_service_account")).hasSize(2)
            .anyMatch(s -> s.contains("k8s_namespace_name=\"team-b\"") && s.contains("service_account=\"bob\"")));
    await().atMost(WAIT).untilAsserted(() -> assertThat(ready("team-b", "clash"))
        .containsEntry("status", "False").containsEntry("reason", "NameConflict"));
    assertThat(problems("team-b", "clash")).singleElement().asString()
        .startsWith("spec.resources[0].families[0]: family \"team.pipelinerun.service_account\" is already defined"
            + " by MetricsConfig team-a/ci differently (type gauge here, info there");
    await().atMost(WAIT).untilAsserted(() -> assertThat(ready("team-b", "own-name"))
        .containsEntry("status", "False").containsEntry("reason", "NameConflict"));
    assertThat(problems("team-b", "own-name")).singleElement().asString()
        .contains("is exported by the exporter's own config");
    await().atMost(WAIT).untilAsserted(() -> assertThat(problems("team-b", "self-name")).containsExactly(
        "spec.resources[0].families[0]: family \"kube_state_otel.build.info\": names under kube_state_otel are the"
            + " exporter's own metrics"));

    // A cluster-scoped kind is refused.
    apply("team-b", "widgets", """
        resources:
          - group: example.com
            version: v1
            kind: Widget
            families:
              - {name: team.widget.info, type: info}
        """);
    await().atMost(WAIT).untilAsserted(() -> assertThat(ready("team-b", "widgets"))
        .containsEntry("status", "False").containsEntry("reason", "Invalid"));
    assertThat(problems("team-b", "widgets")).containsExactly("spec.resources[0]: example.com/Widget is"
        + " cluster-scoped: a MetricsConfig measures only objects of its own namespace");

    // A kind the API does not serve: accepted, and the status says what is missing.
    apply("team-b", "absent", """
        resources:
          - group: kueue.x-k8s.io
            version: v1beta1
            kind: Workload
            families:
              - {name: team.workload.info, type: info}
        """);
    await().atMost(WAIT).untilAsserted(() -> assertThat(ready("team-b", "absent"))
        .containsEntry("status", "True").containsEntry("reason", "Accepted")
        .hasEntrySatisfying("message", m -> assertThat(m).asString().isEqualTo("measuring 1 family on the objects of"
            + " namespace team-b; not served by the API (is its CustomResourceDefinition installed?):"
            + " kueue.x-k8s.io/v1beta1 Workload")));

    // Over the families limit: refused.
    apply("team-c", "wide", """
        resources:
          - group: tekton.dev
            version: v1
            kind: PipelineRun
            families:
              - {name: team.pipelinerun.one, type: info}
              - {name: team.pipelinerun.two, type: info}
              - {name: team.pipelinerun.three, type: info}
        """);
    await().atMost(WAIT).untilAsserted(() -> assertThat(ready("team-c", "wide"))
        .containsEntry("status", "False").containsEntry("reason", "LimitExceeded"));
    assertThat(problems("team-c", "wide")).containsExactly("spec: 3 families, above the limit of 2 per MetricsConfig");

    // Over the series limit: the excess is not exported, counted, and said in the status. Its label
    // selector picks two of the three runs of its namespace from the shared watch: 6 series.
    apply("team-c", "many", """
        resources:
          - group: tekton.dev
            version: v1
            kind: PipelineRun
            labelSelector: tier=ci
            attributes: {k8s.pipelinerun.name: metadata.name}
            families:
              - name: team.pipelinerun.phase
                type: stateset
                stateAttribute: phase
                states: [Pending, Running, Succeeded]
                value: {path: 'status.conditions[type=Succeeded].reason', default: Pending}
        """);
    // The series are counted when they are collected: by the scrapes here.
    await().atMost(WAIT).untilAsserted(() -> assertThat(Scrape.samples(Scrape.text(metrics), "team_pipelinerun_phase")
        .isEmpty() ? Map.of() : ready("team-c", "many"))
        .containsEntry("status", "False").containsEntry("reason", "SeriesLimitExceeded"));
    assertThat(String.valueOf(ready("team-c", "many").get("message")))
        .contains("produce 6 series, above the limit of 4");
    String text = Scrape.text(metrics);
    assertThat(Scrape.samples(text, "team_pipelinerun_phase")).hasSize(4);
    assertThat(Scrape.samples(text, "kube_state_otel_metricsconfig_series_dropped_total"))
        .anyMatch(m -> m.startsWith("kube_state_otel_metricsconfig_series_dropped_total{name=\"many\","
            + "namespace=\"team-c\"}") && !m.endsWith(" 0"))
        .anyMatch(m -> m.equals("kube_state_otel_metricsconfig_series_dropped_total{name=\"ci\","
            + "namespace=\"team-a\"} 0"));
    assertThat(Scrape.samples(text, "kube_state_otel_metricsconfig_series"))
        .contains("kube_state_otel_metricsconfig_series{name=\"many\",namespace=\"team-c\"} 6")
        .contains("kube_state_otel_metricsconfig_series{name=\"ci\",namespace=\"team-a\"} 1");
    assertThat(Scrape.samples(text, "kube_state_otel_metricsconfig_ready"))
        .contains("kube_state_otel_metricsconfig_ready{name=\"many\",namespace=\"team-c\",reason=\"SeriesLimitExceeded\"} 0")
        .contains("kube_state_otel_metricsconfig_ready{name=\"wide\",namespace=\"team-c\",reason=\"LimitExceeded\"} 0")
        .contains("kube_state_otel_metricsconfig_ready{name=\"ci\",namespace=\"team-a\",reason=\"Accepted\"} 1");

    assertThat(statusWrites("team-a", "ci")).as("one status per generation, though each write comes back as an"
        + " event").isEqualTo(2);

    // Deleted: its series go, the shared name keeps the other namespace's series.
    client.genericKubernetesResources(METRICS_CONFIGS).inNamespace("team-a").withName("ci").delete();
    await().atMost(WAIT).ignoreExceptions().untilAsserted(() ->
        assertThat(Scrape.samples(Scrape.text(metrics), "team_pipelinerun_service_account")).singleElement().asString()
            .contains("k8s_namespace_name=\"team-b\""));

    assertThat(Scrape.samples(Scrape.text(metrics), "kube_state_otel_metricsconfig_ready"))
        .noneMatch(m -> m.contains("name=\"ci\",namespace=\"team-a\""));
    assertThat(clusterWideLists()).as("pipelinerun lists across the whole life cycle").isEqualTo(1);
    assertThat(namespaceLists("team-a")).as("team-a read again for the fields its config reads").isEqualTo(2);
    assertThat(Scrape.samples(Scrape.text(metrics), "tekton_pipelinerun_info")).hasSize(5);
    // A line for each change of a resource, status writes aside.
    assertThat(Files.readString(tmp.resolve("out.log")))
        .containsOnlyOnce("MetricsConfig team-a/ci added: measuring 1 family on the objects of namespace team-a")
        .contains("MetricsConfig team-a/ci changed: measuring 1 family on the objects of namespace team-a")
        .doesNotContain("cannot apply")
        .containsOnlyOnce("MetricsConfig team-a/ci deleted: its families are no longer measured");
  }

  private static String family(String name, String attribute, String path) {
    return """
        resources:
          - group: tekton.dev
            version: v1
            kind: PipelineRun
            attributes: {k8s.pipelinerun.name: metadata.name}
            families:
              - name: %s
                type: info
                description: What the team wants to know.
                attributes:
                  %s: '%s'
        """.formatted(name, attribute, path);
  }

  private void run(String namespace, String name, String costCenter, String serviceAccount, String labels) {
    client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace(namespace).resource(
        client.getKubernetesSerialization().unmarshal("""
            apiVersion: tekton.dev/v1
            kind: PipelineRun
            metadata:
              name: %s
              labels: %s
              annotations: {example.com/cost-center: %s}
            spec:
              taskRunTemplate: {serviceAccountName: %s}
            status:
              conditions: [{type: Succeeded, status: "True", reason: Succeeded}]
            """.formatted(name, labels, costCenter, serviceAccount), GenericKubernetesResource.class)).create();
  }

  private void apply(String namespace, String name, String spec) {
    String yaml = "apiVersion: kubestate.io/v1alpha1\nkind: MetricsConfig\nmetadata: {name: " + name + "}\nspec:\n"
        + spec.indent(2);
    GenericKubernetesResource r = client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    var op = client.genericKubernetesResources(METRICS_CONFIGS).inNamespace(namespace);
    GenericKubernetesResource existing = op.withName(name).get();
    if (existing == null) {
      op.resource(r).create();
    } else {
      existing.setAdditionalProperty("spec", r.getAdditionalProperties().get("spec"));
      op.resource(existing).update();
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> status(String namespace, String name) {
    GenericKubernetesResource r = client.genericKubernetesResources(METRICS_CONFIGS).inNamespace(namespace)
        .withName(name).get();
    Object status = r.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private String generation(String namespace, String name) {
    Long g = client.genericKubernetesResources(METRICS_CONFIGS).inNamespace(namespace).withName(name).get()
        .getMetadata().getGeneration();
    return String.valueOf(g == null ? 0 : g);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> ready(String namespace, String name) {
    if (status(namespace, name).get("conditions") instanceof List<?> conditions) {
      for (Object c : conditions) {
        if (c instanceof Map<?, ?> m && "Ready".equals(m.get("type"))) {
          return (Map<String, Object>) m;
        }
      }
    }
    return Map.of();
  }

  @SuppressWarnings("unchecked")
  private List<String> problems(String namespace, String name) {
    return (List<String>) status(namespace, name).getOrDefault("problems", List.of());
  }

  private long clusterWideLists() throws InterruptedException {
    return lists("/apis/tekton.dev/v1/pipelineruns");
  }

  private long namespaceLists(String namespace) throws InterruptedException {
    return lists("/apis/tekton.dev/v1/namespaces/" + namespace + "/pipelineruns");
  }

  private long statusWrites(String namespace, String name) throws InterruptedException {
    String path = "/apis/kubestate.io/v1alpha1/namespaces/" + namespace + "/metricsconfigs/" + name + "/status";
    return logged().stream().filter(r -> !r.getMethod().equals("GET") && r.getPath().equals(path)).count();
  }

  /** Every request the mock server received so far. */
  private List<RecordedRequest> logged() throws InterruptedException {
    for (RecordedRequest r = server.takeRequest(0, TimeUnit.MILLISECONDS); r != null;
        r = server.takeRequest(0, TimeUnit.MILLISECONDS)) {
      requests.add(r);
    }
    return requests;
  }

  /** GET requests of a collection that are not watches. */
  private long lists(String collection) throws InterruptedException {
    return logged().stream().filter(r -> r.getMethod().equals("GET")).map(RecordedRequest::getPath)
        .filter(p -> p.equals(collection) || p.startsWith(collection + "?"))
        .filter(p -> !p.contains("watch=true")).count();
  }
}
