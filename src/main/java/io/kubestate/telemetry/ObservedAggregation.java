package io.kubestate.telemetry;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.InstrumentValueType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.internal.aggregator.Aggregator;
import io.opentelemetry.sdk.metrics.internal.aggregator.AggregatorFactory;
import io.opentelemetry.sdk.metrics.internal.aggregator.AggregatorHandle;
import io.opentelemetry.sdk.metrics.internal.aggregator.DoubleLastValueAggregator;
import io.opentelemetry.sdk.metrics.internal.aggregator.DoubleSumAggregator;
import io.opentelemetry.sdk.metrics.internal.aggregator.LongLastValueAggregator;
import io.opentelemetry.sdk.metrics.internal.aggregator.LongSumAggregator;
import io.opentelemetry.sdk.metrics.internal.descriptor.InstrumentDescriptor;
import io.opentelemetry.sdk.metrics.internal.descriptor.MetricDescriptor;
import io.opentelemetry.sdk.metrics.internal.exemplar.ExemplarFilterInternal;
import io.opentelemetry.sdk.metrics.internal.exemplar.ExemplarReservoirFactory;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Collection;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The default aggregation of asynchronous instruments (last value for gauges, sum for counters),
 * without the per-series objects the SDK's default allocates for nothing here.
 *
 * <p>The SDK gives every series an exemplar reservoir (a filtering wrapper, a fixed-size
 * reservoir, a random cell selector and its LongAdder), whatever the exemplar filter, and a sum
 * series a DoubleAdder built for concurrent synchronous recording. A callback runs outside any
 * span, so a reservoir never holds an exemplar; and a callback records each series once, so an
 * observed sum is its last observation. At 700,000 series (100,000 PipelineRuns) those objects
 * were about 120 MB of a 585 MB heap. This aggregation keeps the SDK's aggregators, the points
 * and metric data they make, and their handling of delta temporality, and gives each series only
 * the SDK's last-value handle with no reservoir.
 *
 * <p>It builds on the SDK's internal aggregator classes, the only way to choose what a series
 * holds; the SDK's own drop aggregation is built the same way. Readers and exporters that ask for
 * another aggregation, and views, keep theirs.
 */
final class ObservedAggregation implements Aggregation, AggregatorFactory {
  static final ObservedAggregation INSTANCE = new ObservedAggregation();

  /**
   * The SDK warns when an instrument is registered again under a name it holds with another
   * description or unit, as a config change that redefines a family does (the SDK never lets an
   * instrument go). It builds that warning with the names of its own aggregations, and for this
   * one throws instead, which fails the registration. Families whose names clash are refused
   * before they are registered, so the warning would tell nothing; the logger is held here so that
   * its level stays.
   */
  private static final Logger DUPLICATE_WARNINGS = quiet("io.opentelemetry.sdk.metrics.internal.state.MetricStorageRegistry");

  private static Logger quiet(String name) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(Level.SEVERE);
    return logger;
  }

  private ObservedAggregation() {}

  /** What a reader or exporter choosing {@code chosen} for {@code type} gets instead. */
  static Aggregation forInstrument(InstrumentType type, Aggregation chosen) {
    return chosen == Aggregation.defaultAggregation() && observed(type) ? INSTANCE : chosen;
  }

  private static boolean observed(InstrumentType type) {
    return type == InstrumentType.OBSERVABLE_GAUGE || type == InstrumentType.OBSERVABLE_COUNTER
        || type == InstrumentType.OBSERVABLE_UP_DOWN_COUNTER;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends PointData> Aggregator<T> createAggregator(InstrumentDescriptor instrument,
      ExemplarFilterInternal exemplarFilter, MemoryMode memoryMode) {
    ExemplarReservoirFactory none = ExemplarReservoirFactory.noSamples();
    boolean longs = instrument.getValueType() == InstrumentValueType.LONG;
    Aggregator<?> lastValue = longs ? new LongLastValueAggregator(none, memoryMode)
        : new DoubleLastValueAggregator(none, memoryMode);
    if (instrument.getType() == InstrumentType.OBSERVABLE_GAUGE) {
      return (Aggregator<T>) lastValue;
    }
    Aggregator<?> sum = longs ? new LongSumAggregator(instrument, none, memoryMode)
        : new DoubleSumAggregator(instrument, none, memoryMode);
    return new ObservedSum<>((Aggregator<T>) sum, (Aggregator<T>) lastValue);
  }

  @Override
  public boolean isCompatibleWithInstrument(InstrumentDescriptor instrument) {
    return observed(instrument.getType());
  }

  @Override
  public String toString() {
    return "ObservedAggregation";
  }

  /**
   * A sum whose series keep the observed value as a last-value handle does: both make the same
   * points, and the sum aggregator turns them into sum data (and deltas, for delta temporality).
   */
  private static final class ObservedSum<T extends PointData> implements Aggregator<T> {
    private final Aggregator<T> sum;
    private final Aggregator<T> lastValue;

    ObservedSum(Aggregator<T> sum, Aggregator<T> lastValue) {
      this.sum = sum;
      this.lastValue = lastValue;
    }

    @Override
    public AggregatorHandle<T> createHandle(long creationEpochNanos) {
      return lastValue.createHandle(creationEpochNanos);
    }

    @Override
    public T diff(T previousCumulative, T currentCumulative) {
      return sum.diff(previousCumulative, currentCumulative);
    }

    @Override
    public void diffInPlace(T previousCumulativeReusable, T currentCumulative) {
      sum.diffInPlace(previousCumulativeReusable, currentCumulative);
    }

    @Override
    public T createReusablePoint() {
      return sum.createReusablePoint();
    }

    @Override
    public void copyPoint(T point, T toReusablePoint) {
      sum.copyPoint(point, toReusablePoint);
    }

    @Override
    public MetricData toMetricData(Resource resource, InstrumentationScopeInfo scope, MetricDescriptor descriptor,
        Collection<T> points, AggregationTemporality temporality) {
      return sum.toMetricData(resource, scope, descriptor, points, temporality);
    }
  }
}
