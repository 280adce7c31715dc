package io.kubestate.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubestate.testing.Scrape;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (the Debian package's binary) scrapes kube-state-otel running in demo
 * mode, in its own JVM, every second; the test reads what Prometheus stored through its HTTP API,
 * as a dashboard would.
 */
@Timeout(value = 90, unit = SECONDS)
class PrometheusEndToEndTest {
  private static final String JOB = "kube-state-otel";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The families of the tekton and kueue presets the demo's objects give series to. */
  private static final List<String> FAMILIES = List.of(
      "tekton_pipelinerun_info", "tekton_pipelinerun_condition", "tekton_pipelineruns",
      "tekton_pipelinerun_pending_duration_seconds", "tekton_pipelinerun_creation_time_seconds",
      "tekton_taskrun_info", "tekton_taskrun_condition", "tekton_taskruns",
      "kueue_workload_info", "kueue_workload_condition", "kueue_workloads");

  /**
   * Lint findings on names the tap preset keeps as TAP's kube-state-metrics config has them, so that
   * its dashboards and queries work unchanged (see the preset).
   */
  private static final Set<String> KEPT_FOR_COMPATIBILITY =
      Set.of("accelerator_info label names should be written in 'snake_case' not 'camelCase'");

  @TempDir static Path tmp;
  private static DemoUnderPrometheus demo;
  private static int metricsPort;
  private static String prometheusUrl;

  /** One series of an instant query's result. */
  record Sample(Map<String, String> labels, double value) {}

  @BeforeAll
  static void start() throws Exception {
    demo = DemoUnderPrometheus.start(tmp, JOB);
    metricsPort = demo.metricsPort();
    prometheusUrl = demo.prometheusUrl();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (demo != null) {
      demo.close();
    }
  }

  @Test
  void prometheusStoresEveryPresetFamilyWithConsistentValues() {
    // Queries at one instant a few scrapes back read one and the same scrape.
    AtomicReference<Double> at = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      at.set(now() - 3);
      assertThat(query("up{job=\"" + JOB + "\"}", at.get())).as(logs()).singleElement()
          .extracting(Sample::value).isEqualTo(1.0);
      assertThat(query("count by (__name__) ({job=\"" + JOB + "\",__name__=~\"(tekton|kueue)_.+\"})", at.get()))
          .extracting(s -> s.labels().get("__name__")).containsAll(FAMILIES);
    });
    assertThat(query("{job=\"" + JOB + "\",__name__=~\"(tekton|kueue)_.+_(info|condition)\"}", at.get()))
        .as("info and condition series").isNotEmpty().allSatisfy(s -> assertThat(s.value()).isEqualTo(1.0));
    assertThat(query("tekton_pipelinerun_pending_duration_seconds", at.get())).isNotEmpty()
        .allSatisfy(s -> assertThat(s.value()).isGreaterThanOrEqualTo(0.0));

    assertCountsAgree(at.get());
  }

  /** Each count family agrees, group by group, with the per-object series of the same scrape. */
  private static void assertCountsAgree(double at) {
    assertThat(byLabels(query("sum by (k8s_namespace_name) (tekton_pipelineruns)", at)))
        .isNotEmpty().isEqualTo(byLabels(query("count by (k8s_namespace_name) (tekton_pipelinerun_info)", at)));
    // A run is created before its status is written, as in a real cluster: the count family puts
    // such a run under reason "", where it has no condition series yet.
    assertThat(byLabels(query("sum by (condition_status, condition_reason) "
        + "(tekton_pipelineruns{condition_reason!=\"\"})", at)))
        .isNotEmpty().isEqualTo(byLabels(query("count by (condition_status, condition_reason) "
            + "(tekton_pipelinerun_condition{condition_type=\"Succeeded\",condition_reason!=\"\"})", at)));
    assertThat(byLabels(query("sum by (k8s_namespace_name) (tekton_taskruns)", at)))
        .isNotEmpty().isEqualTo(byLabels(query("count by (k8s_namespace_name) (tekton_taskrun_info)", at)));
    assertThat(byLabels(query("sum by (condition_type, condition_status) (kueue_workloads)", at)))
        .isNotEmpty().isEqualTo(byLabels(query("count by (condition_type, condition_status) "
            + "(kueue_workload_condition)", at)));
  }

  @Test
  void aSimulatedStateChangeReachesPrometheus() {
    String runs = "tekton_pipelinerun_condition{condition_type=\"Succeeded\"}";
    AtomicReference<Set<List<String>>> first = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      first.set(runStates(query(runs, now() - 1)));
      assertThat(first.get()).as(logs()).isNotEmpty();
    });
    Set<List<String>> before = first.get();

    // The simulator ticks every 3 s, each time moving runs on and sometimes queueing a new one.
    AtomicReference<Double> changed = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      changed.set(now() - 1);
      assertThat(runStates(query(runs, changed.get()))).as("runs and their Succeeded status and reason")
          .isNotEqualTo(before);
    });
    // At the instant the change was seen, which has a scrape behind it however early this runs.
    assertCountsAgree(changed.get());
  }

  @Test
  void promtoolFindsNoProblemInTheExposition() {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    String exposition = Scrape.text(metricsPort);
    assertThat(exposition).contains("tekton_pipelinerun_info{");
    ExternalTools.Result r = ExternalTools.run(List.of(promtool.toString(), "check", "metrics"), exposition,
        Duration.ofSeconds(30));
    List<String> findings = (r.stdout() + r.stderr()).lines().filter(line -> !line.isBlank()).toList();
    assertThat(findings).as("promtool check metrics").isSubsetOf(KEPT_FOR_COMPATIBILITY);
    if (findings.isEmpty()) {
      assertThat(r.exitCode()).isZero();
    }
  }

  private static Set<List<String>> runStates(List<Sample> samples) {
    Set<List<String>> out = new HashSet<>();
    for (Sample s : samples) {
      out.add(List.of(s.labels().get("k8s_namespace_name"), s.labels().get("k8s_pipelinerun_name"),
          s.labels().get("condition_status"), s.labels().getOrDefault("condition_reason", "")));
    }
    return out;
  }

  private static Map<Map<String, String>, Double> byLabels(List<Sample> samples) {
    Map<Map<String, String>, Double> out = new HashMap<>();
    samples.forEach(s -> out.put(s.labels(), s.value()));
    return out;
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  private static List<Sample> query(String promql, double at) {
    String url = prometheusUrl + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
        + "&time=" + String.format(Locale.ROOT, "%.3f", at);
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      assertThat(body.path("status").asText()).as("%s: %s", promql, r.body()).isEqualTo("success");
      List<Sample> out = new ArrayList<>();
      for (JsonNode series : body.path("data").path("result")) {
        Map<String, String> labels = new TreeMap<>();
        series.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        out.add(new Sample(labels, Double.parseDouble(series.path("value").get(1).asText())));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String logs() {
    return demo.logs();
  }
}
