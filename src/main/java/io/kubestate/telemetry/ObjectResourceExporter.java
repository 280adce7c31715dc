package io.kubestate.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A push exporter that, while {@code perObject} says so, hands its delegate the state metrics with
 * a Resource per object ({@link ObjectResources}); otherwise it passes everything on untouched. The
 * switch is read at every export, so a reloaded config turns it on or off without a restart. The
 * pull endpoint never goes through here: the Prometheus exposition is the same either way.
 */
final class ObjectResourceExporter implements MetricExporter {
  private static final Logger logger = Logger.getLogger(ObjectResourceExporter.class.getName());

  private final MetricExporter delegate;
  private final BooleanSupplier perObject;
  private final ObjectResources resources = new ObjectResources();
  private volatile boolean failed;

  ObjectResourceExporter(MetricExporter delegate, BooleanSupplier perObject) {
    this.delegate = delegate;
    this.perObject = perObject;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    if (!perObject.getAsBoolean()) {
      resources.clear();
      return delegate.export(metrics);
    }
    Collection<MetricData> regrouped;
    try {
      regrouped = resources.regroup(metrics);
    } catch (RuntimeException e) {
      // A surprise in the SDK's data must not cost the export: send it as it came.
      if (!failed) {
        failed = true;
        logger.log(Level.WARNING, "cannot give each object a Resource of its own; exporting the metrics under "
            + "the exporter's Resource instead", e);
      }
      regrouped = metrics;
    }
    return delegate.export(regrouped);
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return ObservedAggregation.forInstrument(instrumentType, delegate.getDefaultAggregation(instrumentType));
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
