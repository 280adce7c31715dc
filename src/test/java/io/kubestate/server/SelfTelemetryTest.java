package io.kubestate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.source.ApiRequests;
import io.kubestate.telemetry.StateMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bad objects and oversized families are visible in the exporter's own metrics, never silent. */
class SelfTelemetryTest {
  private SdkMeterProvider provider;
  private SdkMeterProvider selfProvider;

  @AfterEach
  void close() {
    provider.close();
    selfProvider.close();
  }

  private static long sum(List<MetricData> metrics, String name, String family, String reason) {
    return metrics.stream().filter(m -> m.getName().equals(name))
        .flatMap(m -> m.getLongSumData().getPoints().stream())
        .filter(p -> family.equals(p.getAttributes().get(AttributeKey.stringKey("family"))))
        .filter(p -> reason == null || reason.equals(p.getAttributes().get(AttributeKey.stringKey("reason"))))
        .mapToLong(LongPointData::getValue).sum();
  }

  @Test
  void evaluationErrorsDroppedSeriesAndTruncationsAreCounted() {
    CompiledConfig config = Compiler.compile(ConfigLoader.parse("widgets.yaml", """
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Widget
            attributes: {name: metadata.name}
            families:
              - {name: widget.size, type: gauge, value: spec.size}
              - {name: widget.info, type: info, attributes: {note: spec.note}}
        """, new Problems()));
    // Two providers, so that the self metrics are read after the collection they describe: in one
    // provider the order of the two scopes' callbacks is not defined, and they may lag by one.
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    provider = SdkMeterProvider.builder().registerMetricReader(reader, type -> 3).build();
    InMemoryMetricReader selfReader = InMemoryMetricReader.create();
    selfProvider = SdkMeterProvider.builder().registerMetricReader(selfReader).build();
    SelfTelemetry self = SelfTelemetry.register(selfProvider.get(SelfTelemetry.SCOPE), new ApiRequests(), "test");
    List<Map<String, Object>> objects = new ArrayList<>();
    objects.add(Map.of("metadata", Map.of("name", "a"), "spec", Map.of("size", 1, "note", "x".repeat(50))));
    objects.add(Map.of("metadata", Map.of("name", "b"), "spec", Map.of("size", "huge")));
    objects.add(Map.of("metadata", Map.of("name", "c"), "spec", Map.of("size", Map.of("nested", 1))));
    objects.add(Map.of("metadata", Map.of("name", "d"), "spec", Map.of("size", 4)));
    objects.add(Map.of("metadata", Map.of("name", "e"), "spec", Map.of("size", 5)));
    StateMetrics.register(provider.get(StateMetrics.SCOPE), config, t -> objects, Clock.systemUTC(), 3, 10,
        self.stats());

    List<MetricData> state = new ArrayList<>(reader.collectAllMetrics());
    List<MetricData> metrics = new ArrayList<>(selfReader.collectAllMetrics());

    assertThat(sum(metrics, "kube_state_otel.evaluation.errors", "widget.size", "not_a_number")).isEqualTo(1);
    assertThat(sum(metrics, "kube_state_otel.evaluation.errors", "widget.size", "not_a_scalar")).isEqualTo(1);
    assertThat(sum(metrics, "kube_state_otel.attribute.truncations", "widget.info", null)).isEqualTo(1);
    assertThat(sum(metrics, "kube_state_otel.series.dropped", "widget.info", null)).isEqualTo(3);
    assertThat(sum(metrics, "kube_state_otel.series.dropped", "widget.size", null)).isEqualTo(1);
    assertThat(sum(metrics, "kube_state_otel.series", "widget.info", null)).isEqualTo(5);
    assertThat(metrics).filteredOn(m -> m.getName().equals("kube_state_otel.collection.duration"))
        .singleElement().satisfies(m -> assertThat(m.getHistogramData().getPoints()).singleElement()
            .satisfies(p -> assertThat(p.getCount()).isEqualTo(1)));
    assertThat(metrics).filteredOn(m -> m.getName().equals("kube_state_otel.config.last_reload_successful"))
        .singleElement().satisfies(m -> assertThat(m.getLongGaugeData().getPoints()).singleElement()
            .satisfies(p -> assertThat(p.getValue()).isEqualTo(1)));
    assertThat(state).filteredOn(m -> m.getName().equals("widget.info")).singleElement()
        .satisfies(m -> assertThat(m.getDoubleSumData().getPoints())
            .anySatisfy(p -> assertThat(p.getAttributes().get(AttributeKey.stringKey("note"))).isEqualTo("xxxxxxxxxx")));

    self.reload().failed();
    List<MetricData> after = new ArrayList<>(selfReader.collectAllMetrics());
    assertThat(after).filteredOn(m -> m.getName().equals("kube_state_otel.config.last_reload_successful"))
        .singleElement().satisfies(m -> assertThat(m.getLongGaugeData().getPoints()).singleElement()
            .satisfies(p -> assertThat(p.getValue()).isZero()));
  }
}
