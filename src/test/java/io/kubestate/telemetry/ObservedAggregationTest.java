package io.kubestate.telemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The lean aggregation of observed series must read exactly as the SDK's default would: a gauge
 * gives its last observation, an up-down counter a non-monotonic sum (as deltas under delta
 * temporality), a counter a monotonic one, and no point carries an exemplar.
 */
class ObservedAggregationTest {
  private static final Attributes SERIES = Attributes.builder().put("k8s.widget.name", "a").build();
  private SdkMeterProvider provider;

  @AfterEach
  void close() {
    provider.close();
  }

  private InMemoryMetricReader start(AggregationTemporality temporality, MemoryMode mode) {
    InMemoryMetricReader reader = InMemoryMetricReader.builder()
        .setAggregationTemporalitySelector(type -> temporality)
        .setDefaultAggregationSelector(type -> ObservedAggregation.forInstrument(type,
            io.opentelemetry.sdk.metrics.Aggregation.defaultAggregation()))
        .setMemoryMode(mode)
        .build();
    provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    return reader;
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void observedSeriesReadAsTheDefaultAggregationWouldGiveThem(MemoryMode mode) {
    InMemoryMetricReader cumulative = start(AggregationTemporality.CUMULATIVE, mode);
    AtomicLong observed = new AtomicLong(5);
    Meter meter = provider.get("test");
    meter.gaugeBuilder("widget.size").buildWithCallback(m -> m.record(observed.get(), SERIES));
    meter.upDownCounterBuilder("widgets").ofDoubles().buildWithCallback(m -> m.record(observed.get(), SERIES));
    meter.counterBuilder("widget.restarts").buildWithCallback(m -> m.record(observed.get(), SERIES));

    cumulative.collectAllMetrics();
    observed.set(7);
    var metrics = cumulative.collectAllMetrics();

    assertThat(find(metrics, "widget.size")).hasDoubleGaugeSatisfying(g -> g.hasPointsSatisfying(
        p -> p.hasValue(7).hasAttributes(SERIES).hasExemplars()));
    assertThat(find(metrics, "widgets")).hasDoubleSumSatisfying(s -> s.isNotMonotonic().isCumulative()
        .hasPointsSatisfying(p -> p.hasValue(7).hasAttributes(SERIES).hasExemplars()));
    assertThat(find(metrics, "widget.restarts")).hasLongSumSatisfying(s -> s.isMonotonic().isCumulative()
        .hasPointsSatisfying(p -> p.hasValue(7).hasAttributes(SERIES).hasExemplars()));
  }

  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void anObservedSumUnderDeltaTemporalityGivesTheChange(MemoryMode mode) {
    InMemoryMetricReader delta = start(AggregationTemporality.DELTA, mode);
    AtomicLong observed = new AtomicLong(5);
    provider.get("test").upDownCounterBuilder("widgets").ofDoubles()
        .buildWithCallback(m -> m.record(observed.get(), SERIES));

    assertThat(find(delta.collectAllMetrics(), "widgets")).hasDoubleSumSatisfying(s -> s.isDelta()
        .hasPointsSatisfying(p -> p.hasValue(5)));
    observed.set(7);
    assertThat(find(delta.collectAllMetrics(), "widgets")).hasDoubleSumSatisfying(s -> s.isDelta()
        .hasPointsSatisfying(p -> p.hasValue(2)));
  }

  /**
   * A family redefined by a config change (another description) is registered anew while the SDK
   * keeps the old instrument; the SDK's warning about the two cannot name this aggregation, and
   * must not stop the registration.
   */
  @ParameterizedTest
  @EnumSource(MemoryMode.class)
  void aFamilyRedefinedWithAnotherDescriptionIsRegistered(MemoryMode mode) {
    InMemoryMetricReader reader = start(AggregationTemporality.CUMULATIVE, mode);
    Meter meter = provider.get("test");
    meter.gaugeBuilder("widget.size").setDescription("before").buildWithCallback(m -> m.record(1, SERIES)).close();
    meter.gaugeBuilder("widget.size").setDescription("after").buildWithCallback(m -> m.record(2, SERIES));

    assertThat(reader.collectAllMetrics()).filteredOn(m -> m.getName().equals("widget.size")).singleElement()
        .satisfies(m -> assertThat(m).hasDescription("after").hasDoubleGaugeSatisfying(
            g -> g.hasPointsSatisfying(p -> p.hasValue(2))));
  }

  private static MetricData find(java.util.Collection<MetricData> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
  }
}
