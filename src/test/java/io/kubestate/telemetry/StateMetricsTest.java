package io.kubestate.telemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.WatchTarget;
import io.kubestate.testing.LogCapture;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StateMetricsTest {
  private static final String CONFIG = """
      kind: MetricsConfig
      resources:
        - group: example.com
          version: v1
          kind: Widget
          attributes: {k8s.widget.name: metadata.name}
          families:
            - name: widget.info
              type: info
              unit: "{widget}"
              description: A widget.
            - name: widget.size
              type: gauge
              unit: By
              value: spec.size
      """;
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private final List<Map<String, Object>> objects = new ArrayList<>();
  private SdkMeterProvider provider;

  @AfterEach
  void close() {
    provider.close();
  }

  private InMemoryMetricReader start(int limit) {
    Problems problems = new Problems();
    CompiledConfig config = Compiler.compile(ConfigLoader.parse("widgets.yaml", CONFIG, problems));
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    provider = SdkMeterProvider.builder().registerMetricReader(reader, type -> limit).build();
    StateMetrics.register(provider.get(StateMetrics.SCOPE), config, (WatchTarget t) -> objects, CLOCK, limit);
    return reader;
  }

  private static Map<String, Object> widget(String name, int size) {
    return Map.of("metadata", Map.of("name", name), "spec", Map.of("size", size));
  }

  private static MetricData metric(List<MetricData> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void familiesBecomeInstrumentsAndDeletedObjectsVanishAtTheNextCollection() {
    InMemoryMetricReader reader = start(100);
    objects.add(widget("a", 10));
    objects.add(widget("b", 20));
    List<MetricData> first = new ArrayList<>(reader.collectAllMetrics());
    assertThat(metric(first, "widget.info")).hasUnit("{widget}").hasDescription("A widget.")
        .hasDoubleSumSatisfying(sum -> sum.isNotMonotonic().hasPointsSatisfying(
            p -> p.hasValue(1).hasAttribute(AttributeKey.stringKey("k8s.widget.name"), "a"),
            p -> p.hasValue(1).hasAttribute(AttributeKey.stringKey("k8s.widget.name"), "b")));
    assertThat(metric(first, "widget.size")).hasUnit("By").hasDoubleGaugeSatisfying(g -> g.hasPointsSatisfying(
        p -> p.hasValue(10).hasAttribute(AttributeKey.stringKey("k8s.widget.name"), "a"),
        p -> p.hasValue(20).hasAttribute(AttributeKey.stringKey("k8s.widget.name"), "b")));

    objects.remove(0);
    List<MetricData> second = new ArrayList<>(reader.collectAllMetrics());
    assertThat(metric(second, "widget.size")).hasDoubleGaugeSatisfying(g -> g.hasPointsSatisfying(
        p -> p.hasValue(20).hasAttribute(AttributeKey.stringKey("k8s.widget.name"), "b")));
  }

  @Test
  void aFamilyOverTheCardinalityLimitIsLoggedOnceWithItsNameAndTheLimit() {
    try (LogCapture logs = LogCapture.of(StateMetrics.class.getName())) {
      InMemoryMetricReader reader = start(3);
      for (int i = 0; i < 5; i++) {
        objects.add(widget("w" + i, i));
      }
      List<MetricData> metrics = new ArrayList<>(reader.collectAllMetrics());
      reader.collectAllMetrics();
      assertThat(metric(metrics, "widget.size").getDoubleGaugeData().getPoints())
          .hasSize(3)
          .anySatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.booleanKey("otel.metric.overflow"))).isTrue());
      assertThat(logs.messages()).filteredOn(w -> w.contains("widget.size")).singleElement().asString()
          .contains("5 series").contains("cardinality limit of 3");
    }
  }
}
