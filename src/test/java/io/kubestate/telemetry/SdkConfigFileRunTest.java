package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubestate.testing.OtlpReceiver;
import io.kubestate.testing.Exporter;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exporter as a process, as a pod starts it with OTEL_CONFIG_FILE pointing at otel-config/sdk-config.yaml. */
class SdkConfigFileRunTest {
  @TempDir Path tmp;
  private Process process;
  private OtlpReceiver receiver;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void servesAndPushesWhatTheFileSays() throws Exception {
    receiver = OtlpReceiver.start();
    int metrics = Ports.free();
    ProcessBuilder pb = Exporter.process("--demo",
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(Ports.free()),
        // The file's host and port win over these.
        "--metrics-port", Integer.toString(Ports.free()))
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("out.log").toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("OTEL_"));
    env.put("OTEL_CONFIG_FILE", Path.of("otel-config/sdk-config.yaml").toAbsolutePath().toString());
    env.put("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1");
    env.put("OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(metrics));
    env.put("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", receiver.endpoint() + "/v1/metrics");
    env.put("OTEL_METRIC_EXPORT_INTERVAL", "500");
    env.put("OTEL_RESOURCE_ATTRIBUTES", "k8s.pod.name=kso-0");
    env.put("POD_NAME", "kso-0");
    process = pb.start();

    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .untilAsserted(() -> assertThat(Scrape.text(metrics))
            .contains("tekton_pipelinerun_condition{").contains("kueue_workload_info{"));
    assertThat(Scrape.text(metrics)).doesNotContain("otel_scope_")
        .contains("service_name=\"kube-state-otel\"").contains("k8s_pod_name=\"kso-0\"");
    await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.requestsWithScope(StateMetrics.SCOPE).isEmpty());
    assertThat(receiver.points(StateMetrics.SCOPE)).isNotEmpty()
        .anySatisfy(p -> assertThat(p.metric()).startsWith("tekton."))
        .allSatisfy(p -> assertThat(p.resource()).containsEntry("service.name", "kube-state-otel")
            .containsEntry("service.instance.id", "kso-0").containsEntry("k8s.pod.name", "kso-0")
            .containsKey("service.version"));
    assertThat(Scrape.text(metrics).lines().filter(l -> l.matches("# HELP \\S+ ?")))
        .as("families served without a description").isEmpty();

    process.destroy();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s of SIGTERM").isTrue();
    assertThat(process.exitValue()).as("exit status after SIGTERM").isZero();
    assertThat(Files.readString(tmp.resolve("out.log")))
        .contains("configured by " + Path.of("otel-config/sdk-config.yaml").toAbsolutePath())
        .contains("metrics on http://127.0.0.1:" + metrics + "/metrics")
        .contains("pushing with otlp_http to " + receiver.endpoint() + "/v1/metrics, every 0.5 s");
  }
}
