package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubestate.testing.Crds;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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


  @Test
  void servesHealthReadinessAndMetricsAndStopsOnSigterm() throws Exception {
    Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: mock, cluster: {server: \"" + client.getConfiguration().getMasterUrl()
            + "\", insecure-skip-tls-verify: true}}]",
        "contexts: [{name: mock, context: {cluster: mock, user: test}}]",
        "users: [{name: test, user: {token: test-token}}]",
        "current-context: mock", ""));
    int metrics = Ports.free();
    int telemetry = Ports.free();
    process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--kubeconfig", kubeconfig.toString(), "--preset", "tekton",
        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metrics),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(telemetry))
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("out.log").toFile())
        .start();
    String health = "http://127.0.0.1:" + telemetry;

    await().atMost(Duration.ofSeconds(30)).until(() -> status(health + "/healthz") == 200);
    assertThat(status(health + "/readyz")).as("no CRDs yet: waiting for the kinds").isEqualTo(503);

    Crds.installTekton(client);
    await().atMost(Duration.ofSeconds(30)).until(() -> status(health + "/readyz") == 200);

    GenericKubernetesResource run = client.getKubernetesSerialization().unmarshal(
        Files.readString(Path.of("src/test/resources/objects/tekton/tekton-pipelinerun-failed.yaml")),
        GenericKubernetesResource.class);
    run.getMetadata().setResourceVersion(null);
    client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace(run.getMetadata().getNamespace()).resource(run).create();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(Scrape.samples(Scrape.text(metrics), "tekton_pipelinerun_condition")).singleElement().asString()
            .contains("condition_reason=\"Failed\"").contains("condition_status=\"False\""));
    assertThat(Scrape.text(metrics)).contains("target_info{").contains("service_name=\"kube-state-otel\"")
        .doesNotContain("otel_scope");

    long stopping = System.nanoTime();
    process.destroy();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(10));
    assertThat(Files.readString(tmp.resolve("out.log")))
        .contains("metrics on http://127.0.0.1:" + metrics + "/metrics")
        .contains("synced 0 pipelineruns");
  }

}
