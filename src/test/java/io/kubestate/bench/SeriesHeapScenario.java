package io.kubestate.bench;

import static io.kubestate.bench.Heap.gc;

import io.kubestate.telemetry.PrometheusReader;
import io.kubestate.telemetry.PrometheusServer;
import io.kubestate.telemetry.StateMetrics;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.net.URI;
import java.net.URL;
import java.util.Locale;

/**
 * The heap the series of a scenario take in the exporter's own setup (one Prometheus reader), over
 * the heap of the cached objects: what the sample memo, the attributes and the SDK's storage hold
 * per series once scrapes have built them. The other scenarios register several readers at once,
 * each with a storage of its own, so their heap says nothing of this.
 */
final class SeriesHeapScenario {
  private final Report report;

  SeriesHeapScenario(Report report) {
    this.report = report;
  }

  void run(ScenarioData s) throws Exception {
    System.out.printf(Locale.ROOT, "%n== series heap, %s: %,d objects%n", s.name(), s.count());
    long objectsOnly = gc();
    PrometheusReader reader = new PrometheusReader(true);
    SdkMeterProvider provider = Pipeline.provider().registerMetricReader(reader, t -> Pipeline.LIMIT).build();
    StateMetrics metrics = Pipeline.register(provider, s);
    PrometheusServer server = PrometheusServer.start("127.0.0.1", 0, reader);
    try {
      URL url = URI.create("http://127.0.0.1:" + server.port() + "/metrics").toURL();
      long series = 0;
      for (int i = 0; i < 3; i++) {
        series = httpDrainLines(url);
      }
      long held = gc() - objectsOnly;
      String p = "series_heap." + s.name() + ".";
      report.figure(p + "series", series);
      report.figure(p + "bytes_per_series", held / Math.max(1, series));
      report.figure(p + "bytes_per_object", held / Math.max(1, s.count()));
      System.out.printf(Locale.ROOT, "  %,d series: %,d bytes per series, %,d per object, over the cached objects%n",
          series, held / Math.max(1, series), held / Math.max(1, s.count()));
    } finally {
      server.close();
      metrics.close();
      provider.close();
    }
  }

  /** Scrapes and counts the sample lines. */
  private static long httpDrainLines(URL url) throws Exception {
    byte[] body = Http.httpGet(url);
    long lines = 0;
    boolean start = true;
    for (byte b : body) {
      if (start && b != '#' && b != '\n') {
        lines++;
      }
      start = b == '\n';
    }
    return lines;
  }
}
