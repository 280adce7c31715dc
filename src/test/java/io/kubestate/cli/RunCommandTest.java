package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubestate.testing.Crds;
import io.kubestate.testing.Exporter;
import io.kubestate.testing.OtlpReceiver;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/** The exporter as a process, as a user starts it, against the API mock server through a kubeconfig. */
@EnableKubernetesMockClient(crud = true)
class RunCommandTest {
  KubernetesClient client;
  @TempDir Path tmp;
  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int status(String url) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }


  private static final String EXTRA = """
      kind: MetricsConfig
      resources:
        - group: tekton.dev
          version: v1
          kind: PipelineRun
          attributes: {k8s.pipelinerun.name: metadata.name}
          families:
            - {name: %s, type: info}
      """;

  @Test
  void servesHealthReadinessMetricsReloadsConfigAndStopsOnSigterm() throws Exception {
    Path kubeconfig = Exporter.kubeconfig(tmp, client);
    Path extra = Files.writeString(tmp.resolve("extra.yaml"), EXTRA.formatted("tekton.pipelinerun.extra_one"));
    int metrics = Ports.free();
    int telemetry = Ports.free();
    process = Exporter.process(
        "--kubeconfig", kubeconfig.toString(), "--preset", "tekton", "--config", extra.toString(),
        "--reload-period", "PT0.5S",
        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metrics),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(telemetry))
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("out.log").toFile())
        .start();
    String health = "http://127.0.0.1:" + telemetry;

    await().atMost(Duration.ofSeconds(30)).until(() -> status(health + "/healthz") == 200);
    await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> assertThat(Scrape.get(health + "/readyz", "*/*"))
        .contains("tekton.dev/v1 PipelineRun: not served"));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(Scrape.text(metrics))
        .contains("kube_state_otel_resource_up{group=\"tekton.dev\",kind=\"PipelineRun\",namespace=\"\",version=\"v1\"} 0")
        .contains("kube_state_otel_resource_served{group=\"tekton.dev\",kind=\"PipelineRun\"} 0"));

    Crds.installTekton(client);
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
        Scrape.get(health + "/readyz", "*/*")).contains("PipelineRun: synced").contains("TaskRun: synced"));

    GenericKubernetesResource run = client.getKubernetesSerialization().unmarshal(
        Files.readString(Path.of("src/test/resources/objects/tekton/tekton-pipelinerun-failed.yaml")),
        GenericKubernetesResource.class);
    run.getMetadata().setResourceVersion(null);
    client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace(run.getMetadata().getNamespace()).resource(run).create();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(Scrape.samples(Scrape.text(metrics), "tekton_pipelinerun_condition")).singleElement().asString()
            .contains("condition_reason=\"Failed\"").contains("condition_status=\"False\""));
    assertThat(Scrape.text(metrics)).contains("target_info{").contains("service_name=\"kube-state-otel\"")
        .doesNotContain("otel_scope")
        .contains("kube_state_otel_resource_up{group=\"tekton.dev\",kind=\"PipelineRun\",namespace=\"\",version=\"v1\"} 1")
        .contains("kube_state_otel_resource_served{group=\"tekton.dev\",kind=\"PipelineRun\"} 1")
        .contains("tekton_pipelinerun_extra_one{");

    Files.writeString(extra, EXTRA.formatted("tekton.pipelinerun.extra_two"));
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(Scrape.text(metrics))
        .contains("tekton_pipelinerun_extra_two{").doesNotContain("tekton_pipelinerun_extra_one{")
        .contains("kube_state_otel_config_last_reload_successful 1"));
    Files.writeString(extra, "kind: MetricsConfig\nresources: [{group: tekton.dev}]\n");
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(Scrape.text(metrics))
        .contains("kube_state_otel_config_last_reload_successful 0").contains("tekton_pipelinerun_extra_two{")
        .contains("tekton_pipelinerun_condition{"));

    long stopping = System.nanoTime();
    process.destroy();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(10));
    assertThat(process.exitValue()).as("exit status after SIGTERM").isZero();
    assertThat(Files.readString(tmp.resolve("out.log")))
        .contains("metrics on http://127.0.0.1:" + metrics + "/metrics")
        .contains("synced 0 pipelineruns")
        .contains(extra + ":2:13: missing required key \"version\"");
  }

  @Test
  void pushesEachObjectUnderItsOwnResourceAsTheConfigSaysAndTheFlagOverrides() throws Exception {
    Crds.installTekton(client);
    GenericKubernetesResource run = client.getKubernetesSerialization().unmarshal(
        Files.readString(Path.of("src/test/resources/objects/tekton/tekton-pipelinerun-failed.yaml")),
        GenericKubernetesResource.class);
    run.getMetadata().setResourceVersion(null);
    client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace(run.getMetadata().getNamespace()).resource(run)
        .create();
    String name = run.getMetadata().getName();
    Path config = Files.writeString(tmp.resolve("otlp.yaml"), PER_OBJECT.formatted(true));
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      process = otlpProcess(receiver, "--config", config.toString()).start();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pipelineRunPoints(receiver))
          .isNotEmpty().allSatisfy(p -> {
            assertThat(p.resource()).containsEntry("k8s.pipelinerun.name", name);
            assertThat(p.attributes()).doesNotContainKey("k8s.pipelinerun.name");
          }));

      Files.writeString(config, PER_OBJECT.formatted(false));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pipelineRunPoints(receiver))
          .isNotEmpty().allSatisfy(p -> {
            assertThat(p.resource()).doesNotContainKey("k8s.pipelinerun.name");
            assertThat(p.attributes()).containsEntry("k8s.pipelinerun.name", name);
          }));
      process.destroy();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(tmp.resolve("otlp.log"))).as("where the points go, said at start")
          .contains("pushing metrics with OTLP (http/protobuf) to " + receiver.endpoint() + "/v1/metrics, every 0.3 s");

      Files.writeString(config, PER_OBJECT.formatted(true));
      receiver.clear();
      process = otlpProcess(receiver, "--config", config.toString(), "--otlp-resource-per-object=false").start();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pipelineRunPoints(receiver))
          .isNotEmpty().allSatisfy(p -> assertThat(p.attributes()).containsEntry("k8s.pipelinerun.name", name)));
    }
  }

  private static final String PER_OBJECT = """
      kind: MetricsConfig
      include: [tekton]
      otlp:
        resourcePerObject: %s
      """;

  private ProcessBuilder otlpProcess(OtlpReceiver receiver, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--kubeconfig", Exporter.kubeconfig(tmp, client).toString(),
        "--reload-period", "PT0.5S", "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(Ports.free()),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(Ports.free())));
    all.addAll(List.of(args));
    ProcessBuilder b = Exporter.process(all.toArray(String[]::new)).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("otlp.log").toFile());
    b.environment().putAll(Map.of("OTEL_METRICS_EXPORTER", "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "OTEL_METRIC_EXPORT_INTERVAL", "300"));
    return b;
  }

  /** The points of the PipelineRun families (not their counts) in the receiver's last state export. */
  private static List<OtlpReceiver.Point> pipelineRunPoints(OtlpReceiver receiver) {
    if (receiver.requestsWithScope("io.kubestate.state").isEmpty()) {
      return List.of();
    }
    return receiver.points("io.kubestate.state").stream()
        .filter(p -> p.metric().startsWith("tekton.pipelinerun.")).toList();
  }
}
