package io.kubestate.bench;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;
import java.util.List;

/** Runs the callbacks and collects the points, as every reader does before writing anything. */
final class CollectOnlyReader implements MetricReader {
  private volatile CollectionRegistration registration = CollectionRegistration.noop();
  Collection<MetricData> lastCollection = List.of();

  int collect() {
    int points = 0;
    lastCollection = registration.collectAllMetrics();
    for (MetricData m : lastCollection) {
      points += m.getData().getPoints().size();
    }
    return points;
  }

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
