package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.CompiledFamily;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.WatchTarget;
import io.kubestate.source.FileSource;
import io.kubestate.testing.Exposition;
import io.kubestate.testing.MutableObjectStore;
import io.kubestate.testing.OtlpReceiver;
import io.kubestate.testing.OtlpReceiver.Point;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real OTLP exporter and the Prometheus endpoint, fed by the same instruments, publish the same
 * series with the same values, and both drop the series of a deleted object at their next collection.
 */
class OtlpExportTest {
  // Fixed so that durations ("now minus start") are equal in the OTLP export and the later scrape.
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-08-24T12:00:00Z"), ZoneOffset.UTC);
  private static final String REMOVED = "billing-api-on-push-r4m8d";

  private record Series(String name, Map<String, String> labels) {}

  private record Sample(Series series, double value) {}

  private OtlpReceiver receiver;
  private Telemetry telemetry;
  private StateMetrics metrics;

  @AfterEach
  void close() {
    if (metrics != null) {
      metrics.close();
    }
    if (telemetry != null) {
      telemetry.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void otlpExportMatchesPrometheusEndpointAndDropsDeletedObjects() throws Exception {
    receiver = OtlpReceiver.start();
    telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 10000, "test-cluster", "1.2.3", "instance-1",
        Map.of("otel.metrics.exporter", "otlp,prometheus",
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.exporter.otlp.endpoint", receiver.endpoint(),
            "otel.metric.export.interval", "300",
            "otel.service.name", "kso-test")));
    CompiledConfig compiled = Compiler.compile(ConfigLoader.load(List.of("tekton", "kueue"), List.of()));
    List<WatchTarget> targets = compiled.kinds().stream().map(KindMetrics::target).toList();
    MutableObjectStore store = MutableObjectStore.copyOf(FileSource.load(objectFiles(), targets), targets);
    metrics = StateMetrics.register(telemetry.meter(StateMetrics.SCOPE, "test"), compiled, store, CLOCK, 10000);

    List<Point> before = awaitExport(1);
    assertThat(before).isNotEmpty();
    assertThat(before).allSatisfy(p -> assertThat(p.resource()).containsAllEntriesOf(Map.of(
        "service.name", "kso-test",
        "service.version", "1.2.3",
        "service.instance.id", "instance-1",
        "k8s.cluster.name", "test-cluster")));
    assertThat(attributeValues(before)).contains(REMOVED);
    assertSamePublication(before, scrape(compiled));

    List<Map<String, Object>> deleted = new ArrayList<>(
        store.remove(target(targets, "PipelineRun"), o -> REMOVED.equals(meta(o, "name"))));
    assertThat(deleted).hasSize(1);
    // Deleting a PipelineRun deletes what it owns too (its TaskRuns, its Kueue Workload), and those name it.
    Map<String, Integer> deletedOwned = new HashMap<>();
    for (WatchTarget t : targets) {
      List<Map<String, Object>> owned = store.remove(t, o -> ownedBy(o, REMOVED));
      deleted.addAll(owned);
      deletedOwned.merge(t.kind(), owned.size(), Integer::sum);
    }
    assertThat(deletedOwned.get("TaskRun")).isPositive();
    assertThat(deletedOwned.get("Workload")).isPositive();
    Set<String> deletedNames = deleted.stream().map(o -> (String) meta(o, "name")).collect(Collectors.toSet());
    receiver.clear();

    List<Point> after = awaitExport(2);
    List<Sample> scrapedAfter = scrape(compiled);
    assertThat(attributeValues(after)).doesNotContainAnyElementsOf(deletedNames);
    assertThat(scrapedAfter.stream().flatMap(s -> s.series().labels().values().stream()))
        .doesNotContainAnyElementsOf(deletedNames);
    assertSamePublication(after, scrapedAfter);

    Set<String> aggregated = compiled.kinds().stream().flatMap(k -> k.families().stream())
        .filter(f -> f.aggregate() != null).map(CompiledFamily::name).collect(Collectors.toSet());
    assertThat(after.stream().filter(p -> !aggregated.contains(p.metric())).toList())
        .containsExactlyInAnyOrderElementsOf(before.stream()
            .filter(p -> !aggregated.contains(p.metric())
                && p.attributes().values().stream().noneMatch(deletedNames::contains))
            .toList());
    assertThat(total(before, "tekton.pipelineruns") - total(after, "tekton.pipelineruns")).isEqualTo(1);
    assertThat(total(before, "tekton.taskruns") - total(after, "tekton.taskruns"))
        .isEqualTo(deletedOwned.get("TaskRun").doubleValue());
  }

  /**
   * Waits for {@code exports} requests carrying the state scope and returns the points of the last.
   * After a change to the store, ask for two: the first may have been collected before the change
   * and still been on the wire when the receiver was cleared.
   */
  private List<Point> awaitExport(int exports) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> receiver.requestsWithScope(StateMetrics.SCOPE).size() >= exports);
    return receiver.points(StateMetrics.SCOPE);
  }

  private static void assertSamePublication(List<Point> exported, List<Sample> scraped) {
    PrometheusNames names = new PrometheusNames();
    Map<Series, Double> expected = unique(exported.stream().map(p -> translate(p, names)).toList(), "OTLP");
    Map<Series, Double> actual = unique(scraped, "Prometheus");
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
  }

  private static Sample translate(Point p, PrometheusNames names) {
    Map<String, String> labels = new TreeMap<>();
    // Keys that sanitize to the same label are merged, values joined by ';' in key order (compatibility spec).
    new TreeMap<>(p.attributes()).forEach((k, v) -> labels.merge(names.label(k), v, (a, b) -> a + ";" + b));
    return new Sample(new Series(names.metric(p.metric(), p.unit()), labels), p.value());
  }

  private static Map<Series, Double> unique(List<Sample> samples, String side) {
    Map<Series, Double> out = new HashMap<>();
    for (Sample s : samples) {
      // Prometheus prints -0 as 0.
      assertThat(out.put(s.series(), s.value() + 0.0)).as("%s series %s published twice", side, s.series()).isNull();
    }
    return out;
  }

  /**
   * The samples of the state families on the Prometheus endpoint. The endpoint also shows the OTLP
   * exporter's own metrics (otlp_exporter_*, another scope), and the text format has no scope label
   * to tell them apart, so the families are selected by name.
   */
  private List<Sample> scrape(CompiledConfig compiled) throws Exception {
    PrometheusNames names = new PrometheusNames();
    Set<String> stateFamilies = compiled.kinds().stream().flatMap(k -> k.families().stream())
        .map(f -> names.metric(f.name(), f.unit())).collect(Collectors.toSet());
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + telemetry.prometheusPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    List<Sample> samples = parseExposition(response.body());
    assertThat(samples).isNotEmpty();
    return samples.stream().filter(s -> stateFamilies.contains(s.series().name())).toList();
  }

  /** The samples of a Prometheus text exposition (0.0.4), without {@code target_info}. */
  static List<Sample> parseExposition(String text) {
    return Exposition.parse(text).series().stream()
        .filter(s -> !s.name().equals("target_info"))
        .map(s -> new Sample(new Series(s.name(), s.labels()), s.value()))
        .toList();
  }

  private static List<String> attributeValues(List<Point> points) {
    return points.stream().flatMap(p -> p.attributes().values().stream()).distinct().toList();
  }

  private static double total(List<Point> points, String metric) {
    return points.stream().filter(p -> p.metric().equals(metric)).mapToDouble(Point::value).sum();
  }

  private static WatchTarget target(List<WatchTarget> targets, String kind) {
    return targets.stream().filter(t -> t.kind().equals(kind)).findFirst().orElseThrow();
  }

  private static Object meta(Map<String, Object> object, String field) {
    return object.get("metadata") instanceof Map<?, ?> m ? m.get(field) : null;
  }

  private static Object label(Map<String, Object> object, String key) {
    return meta(object, "labels") instanceof Map<?, ?> m ? m.get(key) : null;
  }

  /** By ownerReference or, as not every example TaskRun carries one, by Tekton's own TaskRun label. */
  private static boolean ownedBy(Map<String, Object> object, String pipelineRun) {
    if (pipelineRun.equals(label(object, "tekton.dev/pipelineRun"))) {
      return true;
    }
    return meta(object, "ownerReferences") instanceof List<?> refs && refs.stream().anyMatch(r ->
        r instanceof Map<?, ?> ref && "PipelineRun".equals(ref.get("kind")) && pipelineRun.equals(ref.get("name")));
  }

  private static List<Path> objectFiles() throws Exception {
    Path dir = Path.of(OtlpExportTest.class.getResource("/objects").toURI());
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }
}
