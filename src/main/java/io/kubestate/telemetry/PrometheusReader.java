package io.kubestate.telemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;

/**
 * A pull {@link MetricReader}: each scrape collects from the SDK (running every callback) and
 * writes the exposition. Used by the Prometheus endpoint and by {@code render}, so both print the
 * same thing for the same objects.
 *
 * <p>It keeps the SDK's default {@link MemoryMode#IMMUTABLE_DATA}: with hundreds of thousands of
 * series, the reusable mode's storage (SDK 1.65) made scrapes slower, not faster, in the scale
 * benchmark, and the points it saves allocating die young.
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

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return ObservedAggregation.forInstrument(instrumentType, MetricReader.super.getDefaultAggregation(instrumentType));
  }

  /**
   * Collects and writes UTF-8 bytes to {@code out}, which is neither flushed nor closed; concurrent
   * scrapes are served one after the other.
   */
  public void scrape(ExpositionFormat format, OutputStream out) throws IOException {
    synchronized (collectLock) {
      Collection<MetricData> metrics = new ArrayList<>();
      CollectionStats.asReader("prometheus", () -> metrics.addAll(registration.collectAllMetrics()));
      writer.write(metrics, format, targetInfo, out);
    }
  }

  /** Collects and writes the exposition as text. */
  public void scrape(ExpositionFormat format, Writer out) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    scrape(format, bytes);
    out.write(bytes.toString(StandardCharsets.UTF_8));
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
