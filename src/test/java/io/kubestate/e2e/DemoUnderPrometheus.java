package io.kubestate.e2e;

import static org.awaitility.Awaitility.await;

import io.kubestate.testing.Exporter;
import io.kubestate.testing.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * kube-state-otel running {@code --demo} in its own JVM, and a real Prometheus server (the Debian
 * package's binary) scraping it every second, both ready to be queried.
 */
public final class DemoUnderPrometheus implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path dir;
  private final Process exporter;
  private final Process prometheus;
  private final int metricsPort;
  private final String prometheusUrl;

  private DemoUnderPrometheus(Path dir, Process exporter, Process prometheus, int metricsPort, String prometheusUrl) {
    this.dir = dir;
    this.exporter = exporter;
    this.prometheus = prometheus;
    this.metricsPort = metricsPort;
    this.prometheusUrl = prometheusUrl;
  }

  /** Starts both in {@code dir} (their logs, Prometheus' config and data) and waits until both are ready. */
  public static DemoUnderPrometheus start(Path dir, String job) throws IOException {
    Path prometheusBinary = ExternalTools.require("prometheus", "prometheus");
    int metricsPort = Ports.free();
    int telemetryPort = Ports.free();
    Process exporter = Exporter.process("--demo",
        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metricsPort),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(telemetryPort))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("exporter.log").toFile())
        .start();
    Path config = Files.writeString(dir.resolve("prometheus.yml"), String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "  evaluation_interval: 1s",
        "scrape_configs:",
        "  - job_name: " + job,
        "    honor_labels: true",
        "    static_configs:",
        "      - targets: ['127.0.0.1:" + metricsPort + "']",
        ""));
    int prometheusPort = Ports.free();
    Process prometheus = new ProcessBuilder(prometheusBinary.toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + Files.createDirectory(dir.resolve("data")),
        "--web.listen-address=127.0.0.1:" + prometheusPort)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("prometheus.log").toFile())
        .start();
    DemoUnderPrometheus started = new DemoUnderPrometheus(
        dir, exporter, prometheus, metricsPort, "http://127.0.0.1:" + prometheusPort);
    // The demo starts watching some thirty kinds: on a busy machine that takes a while.
    await().atMost(Duration.ofSeconds(60)).until(() -> status("http://127.0.0.1:" + telemetryPort + "/readyz") == 200);
    await().atMost(Duration.ofSeconds(30)).until(() -> status(started.prometheusUrl + "/-/ready") == 200);
    return started;
  }

  public int metricsPort() {
    return metricsPort;
  }

  public String prometheusUrl() {
    return prometheusUrl;
  }

  /** Both logs, for assertion messages. */
  public String logs() {
    try {
      return "exporter log:\n" + Files.readString(dir.resolve("exporter.log"))
          + "\nprometheus log:\n" + Files.readString(dir.resolve("prometheus.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : new Process[] {prometheus, exporter}) {
      if (p.isAlive()) {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static int status(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
