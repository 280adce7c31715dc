package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.WatchTarget;
import io.kubestate.testing.OtlpReceiver;
import io.kubestate.testing.OtlpReceiver.Point;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter configured by an SDK declarative configuration file: otel-config/sdk-config.yaml
 * itself, its variables given by property overrides, and smaller files for what it leaves out.
 */
class SdkConfigFileTest {
  private static final Path FILE = Path.of("otel-config/sdk-config.yaml");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-08-24T12:00:00Z"), ZoneOffset.UTC);
  private static final String CONFIG = """
      kind: MetricsConfig
      resources:
        - group: example.com
          version: v1
          kind: Widget
          attributes: {k8s.widget.name: metadata.name}
          families:
            - {name: widget.info, type: info, unit: "{widget}"}
            - {name: widget.size, type: gauge, unit: By, value: spec.size}
      """;
  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  @TempDir Path tmp;
  private final List<Map<String, Object>> widgets = new CopyOnWriteArrayList<>();
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

  private record Series(String name, Map<String, String> labels) {}

  @Test
  void theShippedFileServesPrometheusPushesOtlpWithItsResourceAndLimit() {
    receiver = OtlpReceiver.start();
    int port = Ports.free();
    int limit = 20;
    telemetry = Telemetry.start(new TelemetrySettings("0.0.0.0", 9464, 10_000, "test-cluster", "1.2.3",
        "instance-1", Map.of(
            "otel.config.file", FILE.toAbsolutePath().toString(),
            "otel.exporter.prometheus.host", "127.0.0.1",
            "otel.exporter.prometheus.port", Integer.toString(port),
            "otel.exporter.otlp.metrics.endpoint", receiver.endpoint() + "/v1/metrics",
            "otel.metric.export.interval", "200",
            "otel.resource.attributes", "k8s.pod.name=kso-0,k8s.node.name=node-a",
            "otel.java.metrics.cardinality.limit", Integer.toString(limit))));
    assertThat(telemetry.prometheusHost()).isEqualTo("127.0.0.1");
    assertThat(telemetry.prometheusPort()).isEqualTo(port);
    assertThat(telemetry.pushExporters()).containsExactly("otlp_http");
    assertThat(telemetry.cardinalityLimit()).isEqualTo(limit);
    widgets.add(widget("a", 10));
    widgets.add(widget("b", 20));
    registerWidgets();

    String exposition = Scrape.text(port);
    assertThat(exposition).doesNotContain("otel_scope_")
        .contains("widget_size_bytes{k8s_widget_name=\"a\"} 10")
        .contains("widget_info{k8s_widget_name=\"b\"} 1");
    assertThat(targetInfo(exposition)).containsAllEntriesOf(Map.of(
        "service_name", "kube-state-otel", "service_version", "1.2.3", "service_instance_id", "instance-1",
        "k8s_cluster_name", "test-cluster", "k8s_pod_name", "kso-0", "k8s_node_name", "node-a"));

    List<Point> pushed = awaitPush();
    assertThat(pushed).isNotEmpty().allSatisfy(p -> assertThat(p.resource()).containsAllEntriesOf(Map.of(
        "service.name", "kube-state-otel", "service.version", "1.2.3", "service.instance.id", "instance-1",
        "k8s.cluster.name", "test-cluster", "k8s.pod.name", "kso-0", "k8s.node.name", "node-a")));
    assertThat(published(pushed)).isEqualTo(stateSamples(Scrape.text(port)));

    for (int i = 0; i < limit + 5; i++) {
      widgets.add(widget("w" + i, i));
    }
    exposition = Scrape.text(port);
    List<String> sizes = Scrape.samples(exposition, "widget_size_bytes");
    assertThat(sizes).hasSize(limit).filteredOn(s -> s.contains("otel_metric_overflow=\"true\"")).hasSize(1);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receiver.points(StateMetrics.SCOPE))
        .filteredOn(p -> p.metric().equals("widget.size")).hasSize(limit)
        .filteredOn(p -> "true".equals(p.attributes().get("otel.metric.overflow"))).hasSize(1));
  }

  @Test
  void aReaderWithoutLimitsGetsTheCommandLinesAndAnEndpointWithoutHostOrPortItsAddress() throws Exception {
    Path file = Files.writeString(tmp.resolve("sdk.yaml"), """
        file_format: "1.1"
        resource:
          attributes:
            - {name: service.instance.id, value: from-file}
        meter_provider:
          readers:
            - pull:
                exporter:
                  prometheus/development:
                    scope_info_enabled: true
                    target_info_enabled/development: false
        """);
    int port = Ports.free();
    telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", port, 7, null, "1.2.3", "instance-1",
        Map.of("otel.config.file", file.toString())));
    assertThat(telemetry.prometheusPort()).isEqualTo(port);
    assertThat(telemetry.pushExporters()).isEmpty();
    assertThat(telemetry.cardinalityLimit()).isEqualTo(7);
    for (int i = 0; i < 10; i++) {
      widgets.add(widget("w" + i, i));
    }
    registerWidgets();

    String exposition = Scrape.text(port);
    assertThat(Scrape.samples(exposition, "widget_size_bytes")).hasSize(7)
        .filteredOn(s -> s.contains("otel_metric_overflow=\"true\"")).hasSize(1);
    // Not the inverted meanings of SDK 1.64-1.65 (#8749); and scope labels are never added.
    assertThat(exposition).doesNotContain("target_info").doesNotContain("otel_scope_");
  }

  @Test
  void theResourceTakesTheFilesAttributesOverTheExportersOwn() throws Exception {
    receiver = OtlpReceiver.start();
    Path file = Files.writeString(tmp.resolve("sdk.yaml"), """
        file_format: "1.1"
        resource:
          attributes:
            - {name: service.name, value: kso-east}
            - {name: service.instance.id, value: from-file}
          attributes_list: k8s.cluster.name=from-list
        meter_provider:
          readers:
            - periodic:
                interval: 200
                exporter:
                  otlp_http:
                    endpoint: %s/v1/metrics
        """.formatted(receiver.endpoint()));
    telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 100, "test-cluster", "1.2.3", "instance-1",
        Map.of("otel.config.file", file.toString())));
    assertThat(telemetry.prometheusPort()).isEqualTo(-1);
    widgets.add(widget("a", 10));
    registerWidgets();
    assertThat(awaitPush()).first().extracting(Point::resource).satisfies(r -> assertThat(r)
        .containsEntry("service.name", "kso-east")
        .containsEntry("service.instance.id", "from-file")
        .containsEntry("k8s.cluster.name", "from-list")
        .containsEntry("service.version", "1.2.3"));
  }

  @Test
  void aFilesPushExporterSendsEachObjectUnderItsOwnResourceWhenAsked() throws Exception {
    receiver = OtlpReceiver.start();
    Path file = Files.writeString(tmp.resolve("sdk.yaml"), """
        file_format: "1.1"
        meter_provider:
          readers:
            - periodic:
                interval: 200
                exporter:
                  otlp_http:
                    endpoint: %s/v1/metrics
        """.formatted(receiver.endpoint()));
    telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 100, "test-cluster", "1.2.3", "instance-1",
        Map.of("otel.config.file", file.toString())));
    telemetry.resourcePerObject(true);
    widgets.add(widget("a", 10));
    widgets.add(widget("b", 20));
    registerWidgets();
    List<Point> pushed = awaitPush();
    assertThat(pushed).hasSize(4).allSatisfy(p -> {
      assertThat(p.attributes()).isEmpty();
      assertThat(p.resource()).containsEntry("service.name", "kube-state-otel")
          .containsEntry("k8s.cluster.name", "test-cluster").containsKey("k8s.widget.name");
    });
    assertThat(pushed).filteredOn(p -> p.resource().get("k8s.widget.name").equals("b"))
        .extracting(Point::metric, Point::value)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("widget.info", 1.0),
            org.assertj.core.groups.Tuple.tuple("widget.size", 20.0));
  }

  @Test
  void aBrokenFileStopsTheStartNamingTheFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("sdk.yaml"), """
        file_format: "1.1"
        meter_provider:
          readers:
            - pull:
                exporter:
                  prometheus/development:
                    port: 99999
        """);
    assertThatThrownBy(() -> Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 100, null, "1", "1",
        Map.of("otel.config.file", file.toString()))))
        .hasMessageContaining(file.toString()).hasMessageContaining("port 99999");
    Path missing = tmp.resolve("missing.yaml");
    assertThatThrownBy(() -> Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 100, null, "1", "1",
        Map.of("otel.config.file", missing.toString()))))
        .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
  }

  private void registerWidgets() {
    CompiledConfig config = Compiler.compile(ConfigLoader.parse("widgets.yaml", CONFIG, new Problems()));
    metrics = StateMetrics.register(telemetry.meter(StateMetrics.SCOPE, "test"), config,
        (WatchTarget t) -> widgets, CLOCK, telemetry.cardinalityLimit());
  }

  private static Map<String, Object> widget(String name, int size) {
    return Map.of("metadata", Map.of("name", name), "spec", Map.of("size", size));
  }

  private List<Point> awaitPush() {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> !receiver.requestsWithScope(StateMetrics.SCOPE).isEmpty());
    return receiver.points(StateMetrics.SCOPE);
  }

  private static Map<String, String> targetInfo(String exposition) {
    List<String> lines = Scrape.samples(exposition, "target_info");
    assertThat(lines).hasSize(1);
    return parse(lines.get(0)).getKey().labels();
  }

  private static Map<Series, Double> published(List<Point> points) {
    PrometheusNames names = new PrometheusNames();
    Map<Series, Double> out = new HashMap<>();
    for (Point p : points) {
      Map<String, String> labels = new TreeMap<>();
      p.attributes().forEach((k, v) -> labels.put(names.label(k), v));
      out.put(new Series(names.metric(p.metric(), p.unit()), labels), p.value());
    }
    return out;
  }

  private static Map<Series, Double> stateSamples(String exposition) {
    Map<Series, Double> out = new HashMap<>();
    exposition.lines().filter(l -> l.startsWith("widget_")).map(SdkConfigFileTest::parse)
        .forEach(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static Map.Entry<Series, Double> parse(String line) {
    Matcher m = SAMPLE.matcher(line);
    assertThat(m.matches()).as(line).isTrue();
    Map<String, String> labels = new TreeMap<>();
    if (m.group(2) != null) {
      Matcher l = LABEL.matcher(m.group(2));
      while (l.find()) {
        labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
      }
    }
    return Map.entry(new Series(m.group(1), labels), Double.parseDouble(m.group(3)));
  }
}
