package io.kubestate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.telemetry.StateMetrics;
import io.kubestate.telemetry.Telemetry;
import io.kubestate.telemetry.TelemetrySettings;
import io.kubestate.testing.Crds;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole path against fabric8's API mock server in CRUD mode: objects are created, updated and
 * deleted through the API, and the test reads the real Prometheus endpoint over HTTP.
 */
@EnableKubernetesMockClient(crud = true)
class InformerIntegrationTest {
  private static final ResourceDefinitionContext PIPELINE_RUNS = Crds.PIPELINE_RUNS;

  KubernetesMockServer server;
  KubernetesClient client;

  private final List<AutoCloseable> running = new ArrayList<>();
  private int port;

  @BeforeEach
  void installCrds() {
    Crds.installTekton(client);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  private InformerSource start(List<String> namespaces) {
    CompiledConfig config = Compiler.compile(ConfigLoader.load(List.of("tekton"), List.of()));
    port = Ports.free();
    Telemetry telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", port, 10_000, null, "test", "test",
        Map.of("otel.metrics.exporter", "prometheus")));
    running.add(telemetry);
    InformerSource source = InformerSource.start(client,
        config.kinds().stream().map(KindMetrics::target).toList(), namespaces);
    running.add(source);
    running.add(StateMetrics.register(telemetry.meter(StateMetrics.SCOPE, "test"), config, source,
        Clock.systemUTC(), 10_000));
    return source;
  }

  private GenericKubernetesResource example(String file) throws Exception {
    String yaml = Files.readString(Path.of("src/test/resources/objects/tekton", file));
    GenericKubernetesResource r = client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    r.getMetadata().setResourceVersion(null);
    return r;
  }

  private List<String> condition(String name) {
    return Scrape.samples(Scrape.text(port), "tekton_pipelinerun_condition").stream()
        .filter(l -> l.contains("k8s_pipelinerun_name=\"" + name + "\"")).toList();
  }

  @Test
  void createUpdateAndDeleteShowAtTheEndpoint() throws Exception {
    InformerSource source = start(List.of());
    await().atMost(Duration.ofSeconds(20)).until(source::ready);

    GenericKubernetesResource queued = example("tekton-pipelinerun-pending-queued.yaml");
    String name = queued.getMetadata().getName();
    String ns = queued.getMetadata().getNamespace();
    client.genericKubernetesResources(PIPELINE_RUNS).inNamespace(ns).resource(queued).create();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(condition(name)).singleElement()
        .asString().contains("condition_reason=\"PipelineRunPending\"").contains("condition_status=\"Unknown\""));
    String text = Scrape.text(port);
    assertThat(Scrape.samples(text, "tekton_pipelinerun_info")).singleElement().asString()
        .contains("tekton_pipeline_name=\"docker-build-oci-ta\"").endsWith(" 1");
    assertThat(Scrape.samples(text, "tekton_pipelinerun_start_time_seconds")).isEmpty();
    assertThat(Scrape.samples(text, "tekton_pipelineruns")).singleElement().asString()
        .contains("condition_reason=\"PipelineRunPending\"").endsWith(" 1");

    GenericKubernetesResource started = client.genericKubernetesResources(PIPELINE_RUNS).inNamespace(ns)
        .withName(name).get();
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) started.getAdditionalProperties().get("status");
    status.put("startTime", "2026-08-24T09:20:00Z");
    status.put("conditions", List.of(Map.of("type", "Succeeded", "status", "Unknown", "reason", "Running")));
    client.genericKubernetesResources(PIPELINE_RUNS).inNamespace(ns).resource(started).update();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(condition(name)).singleElement()
        .asString().contains("condition_reason=\"Running\""));
    assertThat(Scrape.samples(Scrape.text(port), "tekton_pipelinerun_start_time_seconds")).singleElement()
        .asString().endsWith(" 1787563200");

    client.genericKubernetesResources(PIPELINE_RUNS).inNamespace(ns).withName(name).delete();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Scrape.text(port)).doesNotContain(name));
  }

  @Test
  void restrictedNamespacesSeeOnlyTheirObjects() throws Exception {
    GenericKubernetesResource a = example("tekton-pipelinerun-running.yaml");
    GenericKubernetesResource b = example("tekton-pipelinerun-timeout.yaml");
    client.genericKubernetesResources(PIPELINE_RUNS).inNamespace(a.getMetadata().getNamespace()).resource(a).create();
    client.genericKubernetesResources(PIPELINE_RUNS).inNamespace(b.getMetadata().getNamespace()).resource(b).create();

    InformerSource source = start(List.of(a.getMetadata().getNamespace(), "empty-namespace"));
    await().atMost(Duration.ofSeconds(20)).until(source::ready);

    String text = Scrape.text(port);
    assertThat(Scrape.samples(text, "tekton_pipelinerun_info")).singleElement().asString()
        .contains(a.getMetadata().getName());
    assertThat(text).doesNotContain(b.getMetadata().getName());
  }
}
