package io.kubestate.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubestate.e2e.DemoUnderPrometheus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every panel of every dashboard shows data against {@code --demo}: a real Prometheus scrapes the
 * exporter running the demo, and each panel query, with its variables set to All and without the
 * {@code or vector(0)} that would make an empty panel read 0, returns at least one series.
 */
@Timeout(value = 120, unit = SECONDS)
class DemoDashboardsTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Panels that are empty by nature, with the reason; none so far: the demo seeds every state they show. */
  private static final Map<String, String> EMPTY_BY_NATURE = Map.of();

  @TempDir static Path tmp;
  private static DemoUnderPrometheus demo;

  @BeforeAll
  static void start() throws Exception {
    demo = DemoUnderPrometheus.start(tmp, "kube-state-otel");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void everyPanelOfEveryDashboardHasData() throws IOException {
    List<String> panels = new ArrayList<>();
    for (Path file : DashboardFiles.all()) {
      for (DashboardFiles.Query q : DashboardFiles.queries(JSON.readTree(file.toFile()))) {
        String where = file.getFileName() + " / " + q.panel();
        if (!q.variable() && !EMPTY_BY_NATURE.containsKey(where)) {
          panels.add(where + "\n" + q.expr());
        }
      }
    }
    assertThat(panels).hasSizeGreaterThan(50);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      List<String> empty = panels.stream().filter(panel -> seriesCount(panel.substring(panel.indexOf('\n') + 1)) == 0)
          .toList();
      assertThat(empty).as("panels without data against the demo; %s", demo.logs()).isEmpty();
    });
  }

  private static int seriesCount(String expr) {
    String promql = expr.replaceAll("\\s+or\\s+vector\\(0\\)\\s*$", "")
        .replaceAll("\\$__\\w+", "5m").replaceAll("\\$\\{__\\w+}", "5m")
        .replaceAll("\\$\\{?\\w+}?", ".*");
    String url = demo.prometheusUrl() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.path("status").asText()).as("%s: %s", promql, r.body()).isEqualTo("success");
      return body.path("data").path("result").size();
    } catch (IOException e) {
      throw new IllegalStateException(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
