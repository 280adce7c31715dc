package io.kubestate.bench;

import static io.kubestate.bench.Format.max;
import static io.kubestate.bench.Format.median;
import static io.kubestate.bench.Format.ms;
import static io.kubestate.bench.Pipeline.LIMIT;
import static io.kubestate.bench.Report.progress;

import io.kubestate.telemetry.StateMetrics;
import io.kubestate.telemetry.Telemetry;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * OTLP with a Resource per object, on an SDK of its own: collection plus export through the real
 * exporter behind the regrouping, to set against {@code otlp_ms_median}; the export alone of one
 * collection with and without the regrouping; and the regrouping alone, in front of an exporter
 * that sends nothing.
 */
final class OtlpScenario {
  private final Report report;
  private final ScenarioData s;

  OtlpScenario(Report report, ScenarioData s) {
    this.report = report;
    this.s = s;
  }

  void run(int runs) throws Exception {
    String p = s.name() + ".";
    CollectOnlyReader sdkOnly = new CollectOnlyReader();
    try (DrainReceiver receiver = new DrainReceiver();
        MetricExporter exporter = Telemetry.withResourcePerObject(Pipeline.otlpExporter(receiver));
        MetricExporter plainExporter = Pipeline.otlpExporter(receiver);
        MetricExporter regroupOnly = Telemetry.withResourcePerObject(new NoExport())) {
      PeriodicMetricReader otlp = PeriodicMetricReader.builder(
          Telemetry.withResourcePerObject(Pipeline.otlpExporter(receiver))).setInterval(Duration.ofDays(1)).build();
      SdkMeterProvider provider = Pipeline.provider()
          .registerMetricReader(otlp, t -> LIMIT)
          .registerMetricReader(sdkOnly, t -> LIMIT)
          .build();
      StateMetrics metrics = Pipeline.register(provider, s);
      try {
        long[] collectAndExport = new long[runs];
        long[] exportOnly = new long[runs];
        for (int i = -1; i < runs; i++) {
          long t = flushOnce(otlp);
          if (i >= 0) {
            collectAndExport[i] = t;
            progress("OTLP per object collect+export", i, t, receiver.lastRequest.get());
          }
        }
        long requestBytes = receiver.lastRequest.get();
        // The export alone of one collection, with and without the regrouping in turns, so that both
        // meet the same state of the machine.
        sdkOnly.collect();
        long[] plainExportOnly = new long[runs];
        long[] regroup = new long[runs];
        for (int i = -1; i < runs; i++) {
          long perObject = exportOnce(exporter, sdkOnly.lastCollection);
          long plain = exportOnce(plainExporter, sdkOnly.lastCollection);
          long regrouping = exportOnce(regroupOnly, sdkOnly.lastCollection);
          if (i >= 0) {
            exportOnly[i] = perObject;
            plainExportOnly[i] = plain;
            regroup[i] = regrouping;
          }
        }
        report.figure(p + "otlp_per_object_ms_median", ms(median(collectAndExport)));
        report.figure(p + "otlp_per_object_ms_worst", ms(max(collectAndExport)));
        report.figure(p + "otlp_per_object_export_only_ms_median", ms(median(exportOnly)));
        report.figure(p + "otlp_per_object_plain_export_only_ms_median", ms(median(plainExportOnly)));
        report.figure(p + "otlp_per_object_regroup_ms_median", ms(median(regroup)));
        report.figure(p + "otlp_per_object_request_bytes", requestBytes);
      } finally {
        metrics.close();
        provider.close();
      }
    }
  }

  /** One collection plus export through {@code reader}; returns the time it took. */
  static long flushOnce(PeriodicMetricReader reader) {
    long t0 = System.nanoTime();
    if (!reader.forceFlush().join(3, TimeUnit.MINUTES).isSuccess()) {
      throw new IllegalStateException("OTLP export failed");
    }
    return System.nanoTime() - t0;
  }

  /** One export of points already collected; returns the time it took. */
  static long exportOnce(MetricExporter exporter, Collection<MetricData> metrics) {
    long t0 = System.nanoTime();
    if (!exporter.export(metrics).join(3, TimeUnit.MINUTES).isSuccess()) {
      throw new IllegalStateException("OTLP export failed");
    }
    return System.nanoTime() - t0;
  }
}
