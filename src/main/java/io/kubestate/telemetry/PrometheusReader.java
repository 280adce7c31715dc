package io.kubestate.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.io.IOException;
import java.io.Writer;

/**
 * A pull {@link MetricReader}: each scrape collects from the SDK (running every callback) and
 * writes the exposition. Used by the Prometheus endpoint and by {@code render}, so both print the
 * same thing for the same objects.
 */
public final class PrometheusReader implements MetricReader {
  private final PrometheusWriter writer = new PrometheusWriter();
  private final boolean targetInfo;
  private final Object collectLock = new Object();
  private volatile CollectionRegistration registration = CollectionRegistration.noop();

  /** @param targetInfo whether to expose the Resource as {@code target_info} */
  public PrometheusReader(boolean targetInfo) {
    this.targetInfo = targetInfo;
  }

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  /** Collects and writes; concurrent scrapes are served one after the other. */
  public void scrape(ExpositionFormat format, Writer out) throws IOException {
    synchronized (collectLock) {
      java.util.Collection<io.opentelemetry.sdk.metrics.data.MetricData> metrics = new java.util.ArrayList<>();
      CollectionStats.asReader("prometheus", () -> metrics.addAll(registration.collectAllMetrics()));
      writer.write(metrics, format, targetInfo, out);
    }
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    registration = CollectionRegistration.noop();
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "PrometheusReader{targetInfo=" + targetInfo + "}";
  }
}
