package io.kubestate.bench;

import static io.kubestate.bench.Format.max;
import static io.kubestate.bench.Format.mb;
import static io.kubestate.bench.Format.median;
import static io.kubestate.bench.Format.ms;
import static io.kubestate.bench.Format.ratio;
import static io.kubestate.bench.Heap.gc;
import static io.kubestate.bench.Heap.heapPools;
import static io.kubestate.bench.Http.httpDrain;
import static io.kubestate.bench.Http.httpGet;
import static io.kubestate.bench.Pipeline.LIMIT;
import static io.kubestate.bench.Report.progress;

import io.kubestate.bench.Report.Bound;
import io.kubestate.telemetry.ExpositionFormat;
import io.kubestate.telemetry.PrometheusReader;
import io.kubestate.telemetry.PrometheusServer;
import io.kubestate.telemetry.StateMetrics;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.lang.management.MemoryPoolMXBean;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One scenario's exposition: our endpoint, the floor, the stock exporter and OTLP, all readers of
 * one provider with the same callbacks, so that each is measured against the same data. Then OTLP
 * with a Resource per object, on an SDK of its own.
 */
final class ExpositionScenario {
  private final Report report;
  private final ScenarioData s;
  private final String p;
  private final int scrapes;
  private final boolean withStock;
  private final boolean withOtlp;

  private final PrometheusReader ours = new PrometheusReader(true);
  private final PrometheusMetricReader stock = PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false)
      .build();
  private final CollectOnlyReader sdkOnly = new CollectOnlyReader();
  private DrainReceiver receiver;
  private PeriodicMetricReader otlp;
  private URL url;

  // What is measured, reported together once all of it is taken.
  private long exposition;
  private long[] http;
  private long[] local;
  private long[] floor;
  private long[] httpFloor;
  private long scrapePeak;
  private long pointsBytes;
  private long[] collect;
  private long[] bare;
  private long[] stockTimes;
  private long stockBytes;
  private long[] otlpTimes;
  private long[] otlpExport;

  ExpositionScenario(Report report, ScenarioData s, int scrapes, boolean withStock, boolean withOtlp) {
    this.report = report;
    this.s = s;
    this.p = s.name() + ".";
    this.scrapes = scrapes;
    this.withStock = withStock;
    this.withOtlp = withOtlp;
  }

  void run() throws Exception {
    System.out.printf(Locale.ROOT, "%n== %s: %,d objects%n", s.name(), s.count());
    receiver = new DrainReceiver();
    otlp = PeriodicMetricReader.builder(Pipeline.otlpExporter(receiver)).setInterval(Duration.ofDays(1)).build();
    SdkMeterProvider provider = Pipeline.provider()
        .registerMetricReader(ours, t -> LIMIT)
        .registerMetricReader(stock, t -> LIMIT)
        .registerMetricReader(otlp, t -> LIMIT)
        .registerMetricReader(sdkOnly, t -> LIMIT)
        .build();
    StateMetrics metrics = Pipeline.register(provider, s);
    PrometheusServer server = PrometheusServer.start("127.0.0.1", 0, ours);
    try {
      url = URI.create("http://127.0.0.1:" + server.port() + "/metrics").toURL();
      scrapesInTurns(firstScrape());
      scrapePeakHeap();
      collectionPointsHeap();
      sdkInTurns();
      stockExporter();
      otlpInTurns();
      figures();
    } finally {
      server.close();
      metrics.close();
      provider.close();
      receiver.close();
    }
    if (withOtlp) {
      new OtlpScenario(report, s).run(Math.max(5, scrapes));
    }
  }

  /** Series and exposition bytes; returns the exposition's lines, newlines kept. */
  private String[] firstScrape() throws IOException {
    byte[] body = httpGet(url);
    String text = new String(body, StandardCharsets.UTF_8);
    long series = text.lines().filter(l -> !l.isEmpty() && l.charAt(0) != '#').count();
    report.figure(p + "objects", s.count());
    report.figure(p + "series", series);
    report.figure(p + "exposition_bytes", body.length);
    exposition = body.length;
    return text.split("(?<=\n)");
  }

  /**
   * Over HTTP, and the same collection and exposition without HTTP to tell transport from the
   * rest; the floor, the same bytes from strings built beforehand written to a byte buffer; and
   * the floor over HTTP, the same work done by the JDK's HTTP server as ours does its own and
   * read by the same client, to tell what HTTP adds to the floor. Taken in turns so that
   * all four meet the same state of the JIT, the heap and the machine (measured one block after
   * the other, whichever came first was the slower). Warm-up rounds are unmeasured, at least
   * three and at least two seconds of them, so that the code is compiled and the SDK's storage
   * built: a long-running exporter is measured, not a starting one.
   */
  private void scrapesInTurns(String[] lines) throws IOException {
    Buffer buffer = new Buffer(1 << 20);
    writeFloor(lines, buffer);
    http = new long[scrapes];
    local = new long[scrapes];
    floor = new long[scrapes];
    httpFloor = new long[scrapes];
    try (BytesServer bytesServer = new BytesServer(lines)) {
      long warmUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      for (int i = -3; i < scrapes; i++) {
        if (i == -1 && System.nanoTime() < warmUntil) {
          i = -2;
        }
        long t0 = System.nanoTime();
        long bytes = httpDrain(url);
        long tHttp = System.nanoTime() - t0;
        CountingStream out = new CountingStream();
        t0 = System.nanoTime();
        ours.scrape(ExpositionFormat.TEXT, out);
        long tLocal = System.nanoTime() - t0;
        long tFloor = writeFloor(lines, buffer);
        t0 = System.nanoTime();
        long floorBytes = httpDrain(bytesServer.url());
        long tHttpFloor = System.nanoTime() - t0;
        if (i >= 0) {
          http[i] = tHttp;
          local[i] = tLocal;
          floor[i] = tFloor;
          httpFloor[i] = tHttpFloor;
          progress("scrape over HTTP", i, tHttp, bytes);
          progress("scrape in process", i, tLocal, out.count);
          progress("floor", i, tFloor, buffer.size());
          progress("floor over HTTP", i, tHttpFloor, floorBytes);
        }
      }
    }
  }

  /** Writes the lines into the buffer, as a hand-written exporter holding them would; returns the time taken. */
  private static long writeFloor(String[] lines, Buffer buffer) {
    buffer.reset();
    long t0 = System.nanoTime();
    for (String line : lines) {
      buffer.write(line.getBytes(StandardCharsets.UTF_8));
    }
    return System.nanoTime() - t0;
  }

  /**
   * The heap one scrape over HTTP takes above what the exporter holds between scrapes: the
   * highest use of each heap pool (garbage included, as a container's memory limit sees it).
   */
  private void scrapePeakHeap() throws Exception {
    long heapBefore = gc();
    List<MemoryPoolMXBean> heapPools = heapPools();
    heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
    httpDrain(url);
    scrapePeak = heapPools.stream().mapToLong(m -> m.getPeakUsage().getUsed()).sum() - heapBefore;
    System.out.printf(Locale.ROOT, "  %-26s    %9d MiB%n", "scrape peak heap", scrapePeak >> 20);
  }

  /** What the points of one collection hold on the heap while they are written. */
  private void collectionPointsHeap() throws Exception {
    sdkOnly.lastCollection = List.of();
    long withoutPoints = gc();
    sdkOnly.collect();
    pointsBytes = Math.max(0, gc() - withoutPoints);
  }

  /**
   * The SDK's share: running the callbacks and collecting the points, nothing written; and the
   * SDK alone: the same points recorded on the same kinds of instruments from arrays built
   * beforehand, with none of this project's code in the callback (any exporter fed from
   * observable instruments pays at least this). In turns, as the scrapes are.
   */
  private void sdkInTurns() {
    collect = new long[scrapes];
    bare = new long[scrapes];
    sdkOnly.collect();
    try (BareSdk bareSdk = new BareSdk(sdkOnly.lastCollection)) {
      for (int i = -2; i < scrapes; i++) {
        long t0 = System.nanoTime();
        int points = sdkOnly.collect();
        long tCollect = System.nanoTime() - t0;
        long tBare = bareSdk.collect();
        if (i >= 0) {
          collect[i] = tCollect;
          bare[i] = tBare;
          progress("SDK collection (" + points + " points)", i, tCollect, 0);
          progress("SDK alone, same points", i, tBare, 0);
        }
      }
    }
  }

  /** The stock exporter: same provider, same callbacks; collection and text format, no HTTP. */
  private void stockExporter() throws IOException {
    PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    int stockRuns = withStock ? Math.max(3, scrapes / 2) : 0;
    stockTimes = new long[stockRuns];
    for (int i = stockRuns == 0 ? 0 : -1; i < stockRuns; i++) {
      CountingStream out = new CountingStream();
      long t0 = System.nanoTime();
      MetricSnapshots snapshots = stock.collect();
      writer.write(out, snapshots, EscapingScheme.UNDERSCORE_ESCAPING);
      long t = System.nanoTime() - t0;
      if (i >= 0) {
        stockTimes[i] = t;
        stockBytes = out.count;
        progress("stock exporter", i, t, out.count);
      }
    }
  }

  /**
   * OTLP: collection plus export through the real OTLP/HTTP exporter into a local receiver; and
   * the exporter alone, the points of an earlier collection marshaled and sent again. In turns.
   */
  private void otlpInTurns() {
    int otlpRuns = withOtlp ? scrapes : 0;
    otlpTimes = new long[otlpRuns];
    otlpExport = new long[otlpRuns];
    if (otlpRuns > 0) {
      Collection<MetricData> collected = sdkOnly.lastCollection;
      try (OtlpHttpMetricExporter exporter = Pipeline.otlpExporter(receiver)) {
        for (int i = -1; i < otlpRuns; i++) {
          long before = receiver.bytes.get();
          long tOtlp = OtlpScenario.flushOnce(otlp);
          long sent = receiver.bytes.get() - before;
          long tExport = OtlpScenario.exportOnce(exporter, collected);
          if (i >= 0) {
            otlpTimes[i] = tOtlp;
            otlpExport[i] = tExport;
            progress("OTLP collect+export", i, tOtlp, sent);
            progress("OTLP export alone", i, tExport, receiver.lastRequest.get());
          }
        }
      }
    }
  }

  private void figures() {
    long scrapeHttp = median(http);
    long scrapeLocal = median(local);
    long floorMedian = median(floor);
    long httpFloorMedian = median(httpFloor);
    long sdkCollect = median(collect);
    long sdkBare = median(bare);
    report.figure(p + "scrape_http_ms_median", ms(scrapeHttp));
    report.figure(p + "scrape_http_ms_worst", ms(max(http)));
    report.figure(p + "scrape_in_process_ms_median", ms(scrapeLocal));
    report.figure(p + "floor_ms_median", ms(floorMedian));
    report.figure(p + "http_floor_ms_median", ms(httpFloorMedian));
    report.figure(p + "sdk_collect_ms_median", ms(sdkCollect));
    report.figure(p + "sdk_bare_collect_ms_median", ms(sdkBare));
    report.figure(p + "scrape_peak_heap_mb", mb(scrapePeak));
    report.figure(p + "collection_points_mb", mb(pointsBytes));
    report.figure(p + "exposition_mb", mb(exposition));
    // What the exporter adds on top of the SDK, each against the SDK alone in the same run.
    report.target(p + "sdk_collect_over_bare_ratio", (double) sdkCollect / sdkBare, Bound.AT_MOST, 2.5);
    report.target(p + "scrape_http_over_bare_plus_http_floor_ratio",
        (double) scrapeHttp / (sdkBare + httpFloorMedian), Bound.AT_MOST, 2);
    if (httpFloorMedian > floorMedian) {
      report.target(p + "http_added_over_floor_http_added_ratio",
          (double) (scrapeHttp - scrapeLocal) / (httpFloorMedian - floorMedian), Bound.AT_MOST, 1.5);
    } else {
      report.figure(p + "http_added_over_floor_http_added_ratio",
          "n/a (the floor over HTTP took no longer than the floor)");
    }
    report.target(p + "scrape_peak_heap_over_exposition_plus_points_ratio",
        (double) scrapePeak / (exposition + pointsBytes), Bound.BELOW, 1);
    report.figure(p + "scrape_over_floor_ratio", ratio(scrapeHttp, floorMedian));
    report.figure(p + "scrape_over_http_floor_ratio", ratio(scrapeHttp, httpFloorMedian));
    if (stockTimes.length > 0) {
      report.figure(p + "stock_ms_median", ms(median(stockTimes)));
      report.figure(p + "stock_ms_worst", ms(max(stockTimes)));
      report.figure(p + "stock_bytes", stockBytes);
      report.target(p + "stock_over_scrape_http_ratio", (double) median(stockTimes) / scrapeHttp, Bound.AT_LEAST,
          10);
      // The most any exporter fed from observable instruments could reach: the SDK alone, then
      // the floor's work sent over HTTP.
      report.figure(p + "stock_over_bare_plus_http_floor_ratio",
          ratio(median(stockTimes), sdkBare + httpFloorMedian));
      report.figure(p + "stock_over_floor_ratio", ratio(median(stockTimes), floorMedian));
    }
    if (otlpTimes.length > 0) {
      report.figure(p + "otlp_ms_median", ms(median(otlpTimes)));
      report.figure(p + "otlp_ms_worst", ms(max(otlpTimes)));
      report.figure(p + "otlp_export_only_ms_median", ms(median(otlpExport)));
      report.figure(p + "otlp_request_bytes", receiver.lastRequest.get());
      report.target(p + "otlp_over_bare_plus_export_ratio",
          (double) median(otlpTimes) / (sdkBare + median(otlpExport)), Bound.AT_MOST, 1.3);
    }
  }
}
