package io.kubestate.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.ObjectStore;
import io.kubestate.expr.Projection;
import io.kubestate.expr.WatchTarget;
import io.kubestate.source.FileSource;
import io.kubestate.source.InformerSource;
import io.kubestate.source.Sharding;
import io.kubestate.telemetry.ExpositionFormat;
import io.kubestate.telemetry.PrometheusReader;
import io.kubestate.telemetry.PrometheusServer;
import io.kubestate.telemetry.StateMetrics;
import io.kubestate.telemetry.Telemetry;
import io.kubestate.testing.Crds;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.prometheus.PrometheusMetricReader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Scale figures for the state-metrics pipeline, printed, never asserted: a program to run by hand
 * on a quiet machine and compare across versions (its last lines are {@code key=value}).
 *
 * <p>It builds its objects in memory from the example objects under {@code src/test/resources},
 * varied in name, namespace, uid and times and projected as the informer cache projects them, and
 * measures, per scenario: series and exposition bytes; scrapes of our Prometheus endpoint over
 * HTTP; the floor (the same bytes written from pre-built strings), and the same bytes served over
 * the same HTTP stack; the SDK's collection with our callbacks, and with the same points recorded
 * from arrays (the SDK alone); the stock OpenTelemetry Prometheus exporter on the same SDK and
 * callbacks; OTLP collection plus export into a local receiver, and the export of already collected
 * points alone; the heap a scrape takes and the heap the points of one collection hold. The ratios
 * of what the exporter adds to the SDK alone are printed with their targets ({@code _ratio} keys,
 * and a list of targets met and not met at the end). Then the retained heap of the informer-side cache, an initial sync through
 * fabric8's API mock server, and the delay from a status change in the API to the new value at the
 * endpoint.
 *
 * <p>Options (one string, whitespace separated): {@code sizes=10000,100000} PipelineRuns;
 * {@code gateways=10000} {@code routes=20000}; {@code scrapes=7}; {@code heap=100000} objects for
 * the cache measurement; {@code mock=5000} objects for the API mock server (0 skips it; its CRUD
 * store costs time per request in proportion to what it holds, so creating many is slow);
 * {@code only=tekton,gateway,heap,mock}; {@code readers=ours,stock,otlp}.
 */
public final class ScaleBenchmark {
  private static final int LIMIT = 5_000_000;
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-08-24T12:00:00Z"), ZoneOffset.UTC);
  private static final Logger quiet = Logger.getLogger("io.fabric8");

  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<String> targets = new ArrayList<>();
  private final Map<String, String> options = new HashMap<>();

  public static void main(String[] args) throws Exception {
    quiet.setLevel(Level.WARNING);
    ScaleBenchmark b = new ScaleBenchmark();
    for (String a : String.join(" ", args).trim().split("\\s+")) {
      int eq = a.indexOf('=');
      if (eq > 0) {
        b.options.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    b.run();
  }

  private String option(String key, String fallback) {
    return options.getOrDefault(key, fallback);
  }

  private boolean enabled(String section) {
    return enabled(section, "only");
  }

  private boolean enabled(String section, String option) {
    String only = options.get(option);
    return only == null || Arrays.asList(only.split(",")).contains(section);
  }

  private void run() throws Exception {
    figure("env.cores", Runtime.getRuntime().availableProcessors());
    figure("env.max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    figure("env.java", System.getProperty("java.version"));
    int scrapes = Integer.parseInt(option("scrapes", "7"));
    if (enabled("tekton")) {
      for (String size : option("sizes", "10000,100000").split(",")) {
        int n = Integer.parseInt(size.trim());
        Scenario s = tekton(n);
        exposition(s, scrapes);
        s = null;
        gc();
      }
    }
    if (enabled("gateway")) {
      exposition(gateway(Integer.parseInt(option("gateways", "10000")), Integer.parseInt(option("routes", "20000"))),
          scrapes);
      gc();
    }
    if (enabled("heap")) {
      cacheHeap(Integer.parseInt(option("heap", "100000")));
      gc();
    }
    int mock = Integer.parseInt(option("mock", "5000"));
    if (enabled("mock") && mock > 0) {
      mockServer(mock);
    }
    System.out.println();
    figures.forEach((k, v) -> System.out.println(k + "=" + v));
    System.out.println();
    System.out.println("# targets");
    targets.forEach(t -> System.out.println("# " + t));
  }

  // ---------------------------------------------------------------------------------------------
  // Data

  private record Scenario(String name, CompiledConfig config, Map<WatchTarget, List<Map<String, Object>>> objects,
      int count) implements ObjectStore {
    @Override
    public Iterable<? extends Map<String, Object>> objects(WatchTarget target) {
      return objects.getOrDefault(target, List.of());
    }
  }

  private static CompiledConfig preset(String name) {
    return Compiler.compile(ConfigLoader.load(List.of(name), List.of()));
  }

  private static List<WatchTarget> targets(CompiledConfig c) {
    return c.kinds().stream().map(KindMetrics::target).toList();
  }

  private static WatchTarget target(CompiledConfig c, String kind) {
    return targets(c).stream().filter(t -> t.kind().equals(kind)).findFirst().orElseThrow();
  }

  /** The example objects of {@code dir} under src/test/resources/objects for one kind. */
  private static List<Map<String, Object>> examples(String dir, CompiledConfig config, String kind) throws Exception {
    Path folder = resource("objects/" + dir);
    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    FileSource.load(files, targets(config)).objects(target(config, kind)).forEach(out::add);
    if (out.isEmpty()) {
      throw new IllegalStateException("no " + kind + " under " + folder);
    }
    return out;
  }

  private static Path resource(String name) throws URISyntaxException {
    URL url = ScaleBenchmark.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalStateException(name + " is not on the test classpath (run test-compile first)");
    }
    return Paths.get(url.toURI());
  }

  @SuppressWarnings("unchecked")
  static Object deepCopy(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(deepCopy(v)));
      return out;
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> m, String key) {
    return (Map<String, Object>) m.get(key);
  }

  /** The i-th variant of an example: its own name, namespace, uid and times (shifted by up to a day). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> variant(Map<String, Object> example, int i, int namespaces) {
    Map<String, Object> o = (Map<String, Object>) deepCopy(example);
    Map<String, Object> meta = map(o, "metadata");
    String base = String.valueOf(meta.get("name"));
    meta.put("name", base + "-" + Integer.toString(i, 36));
    meta.put("namespace", "tenant-" + (i % namespaces));
    meta.put("uid", UUID.nameUUIDFromBytes((base + i).getBytes(StandardCharsets.UTF_8)).toString());
    meta.put("resourceVersion", Integer.toString(1000 + i));
    long shift = -(i % 86_400);
    shiftTimes(o, shift);
    return o;
  }

  /** Shifts every RFC 3339 timestamp in the object, so that series values differ between objects. */
  @SuppressWarnings("unchecked")
  private static void shiftTimes(Object o, long seconds) {
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
        if (e.getValue() instanceof String s && s.length() >= 20 && s.charAt(4) == '-' && s.charAt(10) == 'T'
            && s.endsWith("Z")) {
          try {
            e.setValue(Instant.parse(s).plusSeconds(seconds).toString());
          } catch (RuntimeException ignored) {
            // not a timestamp after all
          }
        } else {
          shiftTimes(e.getValue(), seconds);
        }
      }
    } else if (o instanceof List<?> l) {
      l.forEach(v -> shiftTimes(v, seconds));
    }
  }

  /** The objects as the informer cache holds them: only the fields the kind's families read. */
  private static List<Map<String, Object>> projected(CompiledConfig config, String kind,
      List<Map<String, Object>> objects) {
    Projection projection = Projection.of(config.kinds().stream().filter(k -> k.target().kind().equals(kind))
        .findFirst().orElseThrow());
    List<Map<String, Object>> out = new ArrayList<>(objects.size());
    objects.forEach(o -> out.add(projection.apply(o)));
    return out;
  }

  private Scenario tekton(int n) throws Exception {
    CompiledConfig config = preset("tekton");
    List<Map<String, Object>> examples = examples("tekton", config, "PipelineRun");
    List<Map<String, Object>> runs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      runs.add(variant(examples.get(i % examples.size()), i, 40));
    }
    Map<WatchTarget, List<Map<String, Object>>> objects = new HashMap<>();
    objects.put(target(config, "PipelineRun"), projected(config, "PipelineRun", runs));
    return new Scenario("tekton_" + label(n), config, objects, n);
  }

  private Scenario gateway(int gateways, int routes) throws Exception {
    CompiledConfig config = preset("gateway-api");
    Map<WatchTarget, List<Map<String, Object>>> objects = new HashMap<>();
    List<Map<String, Object>> gw = examples("gateway-api", config, "Gateway");
    // The example with four listeners, fully programmed; the deleting one for variety.
    List<Map<String, Object>> g = new ArrayList<>(gateways);
    for (int i = 0; i < gateways; i++) {
      g.add(variant(gw.get(i % gw.size()), i, 200));
    }
    objects.put(target(config, "Gateway"), projected(config, "Gateway", g));
    List<Map<String, Object>> hr = examples("gateway-api", config, "HTTPRoute");
    List<Map<String, Object>> r = new ArrayList<>(routes);
    for (int i = 0; i < routes; i++) {
      r.add(variant(hr.get(i % hr.size()), i, 200));
    }
    objects.put(target(config, "HTTPRoute"), projected(config, "HTTPRoute", r));
    return new Scenario("gateway_" + label(gateways) + "gw_" + label(routes) + "routes", config, objects,
        gateways + routes);
  }

  private static String label(int n) {
    return n % 1000 == 0 ? (n / 1000) + "k" : Integer.toString(n);
  }

  // ---------------------------------------------------------------------------------------------
  // Exposition: our endpoint, the floor, the stock exporter, OTLP

  private void exposition(Scenario s, int scrapes) throws Exception {
    String p = s.name() + ".";
    System.out.printf(Locale.ROOT, "%n== %s: %,d objects%n", s.name(), s.count());
    PrometheusReader ours = new PrometheusReader(true);
    PrometheusMetricReader stock = PrometheusMetricReader.builder().setOtelScopeLabelsEnabled(false).build();
    DrainReceiver receiver = new DrainReceiver();
    CollectOnlyReader sdkOnly = new CollectOnlyReader();
    PeriodicMetricReader otlp = PeriodicMetricReader.builder(otlpExporter(receiver))
        .setInterval(Duration.ofDays(1)).build();
    // The exemplar filter Telemetry sets by default.
    SdkMeterProvider provider = SdkMeterProvider.builder()
        .setExemplarFilter(ExemplarFilter.alwaysOff())
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "kube-state-otel",
            AttributeKey.stringKey("service.instance.id"), "bench")))
        .registerMetricReader(ours, t -> LIMIT)
        .registerMetricReader(stock, t -> LIMIT)
        .registerMetricReader(otlp, t -> LIMIT)
        .registerMetricReader(sdkOnly, t -> LIMIT)
        .build();
    StateMetrics metrics = StateMetrics.register(provider.get(StateMetrics.SCOPE), s.config(), s, CLOCK, LIMIT);
    PrometheusServer server = PrometheusServer.start("127.0.0.1", 0, ours);
    try {
      URL url = URI.create("http://127.0.0.1:" + server.port() + "/metrics").toURL();
      byte[] body = httpGet(url);
      String text = new String(body, StandardCharsets.UTF_8);
      long series = text.lines().filter(l -> !l.isEmpty() && l.charAt(0) != '#').count();
      figure(p + "objects", s.count());
      figure(p + "series", series);
      figure(p + "exposition_bytes", body.length);
      long exposition = body.length;

      // Over HTTP, and the same collection and exposition without HTTP to tell transport from the
      // rest; the floor, the same bytes from strings built beforehand written to a byte buffer; and
      // the floor over HTTP, the same work done by the JDK's HTTP server as ours does its own and
      // read by the same client, to tell what HTTP adds to the floor. Taken in turns so that
      // all four meet the same state of the JIT, the heap and the machine (measured one block after
      // the other, whichever came first was the slower). Warm-up rounds are unmeasured, at least
      // three and at least two seconds of them, so that the code is compiled and the SDK's storage
      // built: a long-running exporter is measured, not a starting one.
      String[] lines = text.split("(?<=\n)");
      text = null;
      body = null;
      Buffer buffer = new Buffer(1 << 20);
      writeFloor(lines, buffer);
      long[] http = new long[scrapes];
      long[] local = new long[scrapes];
      long[] floor = new long[scrapes];
      long[] httpFloor = new long[scrapes];
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
      lines = null;
      buffer = null;
      // The heap one scrape over HTTP takes above what the exporter holds between scrapes: the
      // highest use of each heap pool (garbage included, as a container's memory limit sees it).
      long heapBefore = gc();
      List<MemoryPoolMXBean> heapPools = heapPools();
      heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
      httpDrain(url);
      long scrapePeak = heapPools.stream().mapToLong(m -> m.getPeakUsage().getUsed()).sum() - heapBefore;
      System.out.printf(Locale.ROOT, "  %-26s    %9d MiB%n", "scrape peak heap", scrapePeak >> 20);

      // What the points of one collection hold on the heap while they are written.
      sdkOnly.lastCollection = List.of();
      long withoutPoints = gc();
      sdkOnly.collect();
      long pointsBytes = Math.max(0, gc() - withoutPoints);

      // The SDK's share: running the callbacks and collecting the points, nothing written; and the
      // SDK alone: the same points recorded on the same kinds of instruments from arrays built
      // beforehand, with none of this project's code in the callback (any exporter fed from
      // observable instruments pays at least this). In turns, as above.
      long[] collect = new long[scrapes];
      long[] bare = new long[scrapes];
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

      // The stock exporter: same provider, same callbacks; collection and text format, no HTTP.
      PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
      int stockRuns = enabled("stock", "readers") ? Math.max(3, scrapes / 2) : 0;
      long[] stockTimes = new long[stockRuns];
      long stockBytes = 0;
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

      // OTLP: collection plus export through the real OTLP/HTTP exporter into a local receiver; and
      // the exporter alone, the points of an earlier collection marshaled and sent again. In turns.
      int otlpRuns = enabled("otlp", "readers") ? scrapes : 0;
      long[] otlpTimes = new long[otlpRuns];
      long[] otlpExport = new long[otlpRuns];
      if (otlpRuns > 0) {
        Collection<MetricData> collected = sdkOnly.lastCollection;
        try (OtlpHttpMetricExporter exporter = otlpExporter(receiver)) {
          for (int i = -1; i < otlpRuns; i++) {
            long before = receiver.bytes.get();
            long t0 = System.nanoTime();
            if (!otlp.forceFlush().join(3, TimeUnit.MINUTES).isSuccess()) {
              throw new IllegalStateException("OTLP export failed");
            }
            long tOtlp = System.nanoTime() - t0;
            long sent = receiver.bytes.get() - before;
            t0 = System.nanoTime();
            if (!exporter.export(collected).join(3, TimeUnit.MINUTES).isSuccess()) {
              throw new IllegalStateException("OTLP export failed");
            }
            long tExport = System.nanoTime() - t0;
            if (i >= 0) {
              otlpTimes[i] = tOtlp;
              otlpExport[i] = tExport;
              progress("OTLP collect+export", i, tOtlp, sent);
              progress("OTLP export alone", i, tExport, receiver.lastRequest.get());
            }
          }
        }
      }

      long scrapeHttp = median(http);
      long scrapeLocal = median(local);
      long floorMedian = median(floor);
      long httpFloorMedian = median(httpFloor);
      long sdkCollect = median(collect);
      long sdkBare = median(bare);
      figure(p + "scrape_http_ms_median", ms(scrapeHttp));
      figure(p + "scrape_http_ms_worst", ms(max(http)));
      figure(p + "scrape_in_process_ms_median", ms(scrapeLocal));
      figure(p + "floor_ms_median", ms(floorMedian));
      figure(p + "http_floor_ms_median", ms(httpFloorMedian));
      figure(p + "sdk_collect_ms_median", ms(sdkCollect));
      figure(p + "sdk_bare_collect_ms_median", ms(sdkBare));
      figure(p + "scrape_peak_heap_mb", mb(scrapePeak));
      figure(p + "collection_points_mb", mb(pointsBytes));
      figure(p + "exposition_mb", mb(exposition));
      // What the exporter adds on top of the SDK, each against the SDK alone in the same run.
      target(p + "sdk_collect_over_bare_ratio", (double) sdkCollect / sdkBare, Bound.AT_MOST, 2.5);
      target(p + "scrape_http_over_bare_plus_http_floor_ratio", (double) scrapeHttp / (sdkBare + httpFloorMedian),
          Bound.AT_MOST, 2);
      if (httpFloorMedian > floorMedian) {
        target(p + "http_added_over_floor_http_added_ratio",
            (double) (scrapeHttp - scrapeLocal) / (httpFloorMedian - floorMedian), Bound.AT_MOST, 1.5);
      } else {
        figure(p + "http_added_over_floor_http_added_ratio", "n/a (the floor over HTTP took no longer than the floor)");
      }
      target(p + "scrape_peak_heap_over_exposition_plus_points_ratio",
          (double) scrapePeak / (exposition + pointsBytes), Bound.BELOW, 1);
      figure(p + "scrape_over_floor_ratio", ratio(scrapeHttp, floorMedian));
      figure(p + "scrape_over_http_floor_ratio", ratio(scrapeHttp, httpFloorMedian));
      if (stockRuns > 0) {
        figure(p + "stock_ms_median", ms(median(stockTimes)));
        figure(p + "stock_ms_worst", ms(max(stockTimes)));
        figure(p + "stock_bytes", stockBytes);
        target(p + "stock_over_scrape_http_ratio", (double) median(stockTimes) / scrapeHttp, Bound.AT_LEAST, 10);
        // The most any exporter fed from observable instruments could reach: the SDK alone, then
        // the floor's work sent over HTTP.
        figure(p + "stock_over_bare_plus_http_floor_ratio",
            ratio(median(stockTimes), sdkBare + httpFloorMedian));
        figure(p + "stock_over_floor_ratio", ratio(median(stockTimes), floorMedian));
      }
      if (otlpRuns > 0) {
        figure(p + "otlp_ms_median", ms(median(otlpTimes)));
        figure(p + "otlp_ms_worst", ms(max(otlpTimes)));
        figure(p + "otlp_export_only_ms_median", ms(median(otlpExport)));
        figure(p + "otlp_request_bytes", receiver.lastRequest.get());
        target(p + "otlp_over_bare_plus_export_ratio", (double) median(otlpTimes) / (sdkBare + median(otlpExport)),
            Bound.AT_MOST, 1.3);
      }
    } finally {
      server.close();
      metrics.close();
      provider.close();
      receiver.close();
    }
    if (enabled("otlp", "readers")) {
      otlpPerObject(s, Math.max(5, scrapes));
    }
  }

  /**
   * OTLP with a Resource per object, on an SDK of its own: collection plus export through the real
   * exporter behind the regrouping, to set against {@code otlp_ms_median}; the export alone of one
   * collection with and without the regrouping; and the regrouping alone, in front of an exporter
   * that sends nothing.
   */
  private void otlpPerObject(Scenario s, int runs) throws Exception {
    String p = s.name() + ".";
    CollectOnlyReader sdkOnly = new CollectOnlyReader();
    try (DrainReceiver receiver = new DrainReceiver();
        MetricExporter exporter = Telemetry.withResourcePerObject(otlpExporter(receiver));
        MetricExporter plainExporter = otlpExporter(receiver);
        MetricExporter regroupOnly = Telemetry.withResourcePerObject(new NoExport())) {
      PeriodicMetricReader otlp = PeriodicMetricReader.builder(Telemetry.withResourcePerObject(otlpExporter(receiver)))
          .setInterval(Duration.ofDays(1)).build();
      SdkMeterProvider provider = SdkMeterProvider.builder()
          .setExemplarFilter(ExemplarFilter.alwaysOff())
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "kube-state-otel",
              AttributeKey.stringKey("service.instance.id"), "bench")))
          .registerMetricReader(otlp, t -> LIMIT)
          .registerMetricReader(sdkOnly, t -> LIMIT)
          .build();
      StateMetrics metrics = StateMetrics.register(provider.get(StateMetrics.SCOPE), s.config(), s, CLOCK, LIMIT);
      try {
        long[] collectAndExport = new long[runs];
        long[] exportOnly = new long[runs];
        for (int i = -1; i < runs; i++) {
          long t0 = System.nanoTime();
          if (!otlp.forceFlush().join(3, TimeUnit.MINUTES).isSuccess()) {
            throw new IllegalStateException("OTLP export failed");
          }
          long t = System.nanoTime() - t0;
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
        figure(p + "otlp_per_object_ms_median", ms(median(collectAndExport)));
        figure(p + "otlp_per_object_ms_worst", ms(max(collectAndExport)));
        figure(p + "otlp_per_object_export_only_ms_median", ms(median(exportOnly)));
        figure(p + "otlp_per_object_plain_export_only_ms_median", ms(median(plainExportOnly)));
        figure(p + "otlp_per_object_regroup_ms_median", ms(median(regroup)));
        figure(p + "otlp_per_object_request_bytes", requestBytes);
      } finally {
        metrics.close();
        provider.close();
      }
    }
  }

  /** Takes every export and sends nothing: what is left of an export is the work in front of it. */
  private static final class NoExport implements MetricExporter {
    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static long exportOnce(MetricExporter exporter, Collection<MetricData> metrics) {
    long t0 = System.nanoTime();
    if (!exporter.export(metrics).join(3, TimeUnit.MINUTES).isSuccess()) {
      throw new IllegalStateException("OTLP export failed");
    }
    return System.nanoTime() - t0;
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

  /** The real OTLP/HTTP exporter, with the memory mode Telemetry sets by default, into {@code receiver}. */
  private static OtlpHttpMetricExporter otlpExporter(DrainReceiver receiver) {
    return OtlpHttpMetricExporter.builder().setEndpoint(receiver.endpoint()).setTimeout(Duration.ofMinutes(2))
        .setMemoryMode(MemoryMode.IMMUTABLE_DATA).build();
  }

  /** Reads and discards the body, as a scraper that parses while it reads does; returns its length. */
  private static long httpDrain(URL url) throws IOException {
    return httpGet(url, in -> {
      byte[] chunk = new byte[64 * 1024];
      long length = 0;
      for (int n; (n = in.read(chunk)) > 0; ) {
        length += n;
      }
      return length;
    });
  }

  private static byte[] httpGet(URL url) throws IOException {
    return httpGet(url, InputStream::readAllBytes);
  }

  private interface BodyReader<T> {
    T read(InputStream body) throws IOException;
  }

  /** Scrapes {@code url} in the text format and reads the body with {@code reader}. */
  private static <T> T httpGet(URL url, BodyReader<T> reader) throws IOException {
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setRequestProperty("Accept", "text/plain;version=0.0.4");
    c.setReadTimeout(120_000);
    try (InputStream in = c.getInputStream()) {
      if (c.getResponseCode() != 200) {
        throw new IOException(url + " answered " + c.getResponseCode());
      }
      return reader.read(in);
    } finally {
      c.disconnect();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Heap of the informer-side cache

  /**
   * Builds the cache as the informer handler does (each object read as a GenericKubernetesResource,
   * then converted to a plain map), one object at a time, and measures what stays after full GCs.
   */
  private void cacheHeap(int n) throws Exception {
    System.out.printf(Locale.ROOT, "%n== cache heap: %,d PipelineRuns%n", n);
    CompiledConfig config = preset("tekton");
    List<Map<String, Object>> examples = examples("tekton", config, "PipelineRun");
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (CacheShape shape : cacheShapes(config)) {
      Map<String, Map<String, Object>> cache = new ConcurrentHashMap<>();
      long before = gc();
      for (int i = 0; i < n; i++) {
        Map<String, Object> source = variant(examples.get(i % examples.size()), i, 40);
        GenericKubernetesResource r = serialization.convertValue(source, GenericKubernetesResource.class);
        cache.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(), shape.convert(serialization, r));
      }
      long after = gc();
      figure("heap." + shape.name() + "_bytes_per_object", (after - before) / n);
      System.out.printf(Locale.ROOT, "  %s: %,d bytes per cached PipelineRun (%,d objects)%n", shape.name(),
          (after - before) / n, cache.size());
      cache.clear();
    }
  }

  /** How the informer handler turns an object into what it caches. */
  interface CacheShape {
    String name();

    Map<String, Object> convert(KubernetesSerialization serialization, GenericKubernetesResource r);
  }

  @SuppressWarnings("unchecked")
  private static List<CacheShape> cacheShapes(CompiledConfig config) {
    List<CacheShape> shapes = new ArrayList<>();
    shapes.add(new CacheShape() {
      @Override
      public String name() {
        return "full";
      }

      @Override
      public Map<String, Object> convert(KubernetesSerialization s, GenericKubernetesResource r) {
        return s.convertValue(r, Map.class);
      }
    });
    Projection projection = Projection.of(config.kinds().stream()
        .filter(k -> k.target().kind().equals("PipelineRun")).findFirst().orElseThrow());
    shapes.add(new CacheShape() {
      @Override
      public String name() {
        return "projected";
      }

      @Override
      public Map<String, Object> convert(KubernetesSerialization s, GenericKubernetesResource r) {
        return projection.apply(s.convertValue(r, Map.class));
      }
    });
    return shapes;
  }

  // ---------------------------------------------------------------------------------------------
  // Initial sync through the API mock server, and the delay from a change to the endpoint

  private void mockServer(int n) throws Exception {
    System.out.printf(Locale.ROOT, "%n== API mock server (CRUD): %,d PipelineRuns%n", n);
    CompiledConfig config = preset("tekton");
    List<Map<String, Object>> examples = examples("tekton", config, "PipelineRun");
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    try {
      Crds.installTekton(client);
      KubernetesSerialization serialization = client.getKubernetesSerialization();
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> pending = new ArrayList<>();
      int chunk = Math.max(1, n / 16);
      for (int from = 0; from < n; from += chunk) {
        int start = from;
        int end = Math.min(n, from + chunk);
        pending.add(pool.submit(() -> {
          for (int i = start; i < end; i++) {
            Map<String, Object> o = variant(examples.get(i % examples.size()), i, 40);
            map(o, "metadata").remove("resourceVersion");
            GenericKubernetesResource r = serialization.convertValue(o, GenericKubernetesResource.class);
            client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace(r.getMetadata().getNamespace())
                .resource(r).create();
          }
          return null;
        }));
      }
      for (Future<?> f : pending) {
        f.get();
      }
      pool.shutdown();
      figure("mock.objects", n);
      figure("mock.create_s", secs(System.nanoTime() - t0));

      long baseline = gc();
      List<MemoryPoolMXBean> heapPools = heapPools();
      heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
      PeakSampler sampler = new PeakSampler();
      sampler.start();
      long s0 = System.nanoTime();
      InformerSource source = InformerSource.start(client, config, List.of(), Sharding.NONE);
      WatchTarget runs = target(config, "PipelineRun");
      // ready() alone is true before the first kind is even resolved.
      while (!source.ready() || source.objectCounts().getOrDefault(runs, 0) < n) {
        Thread.sleep(5);
      }
      long syncNanos = System.nanoTime() - s0;
      sampler.stop = true;
      sampler.join();
      long poolPeaks = heapPools.stream().mapToLong(m -> m.getPeakUsage().getUsed()).sum();
      long retained = gc() - baseline;
      figure("mock.sync_s", secs(syncNanos));
      figure("mock.sync_peak_heap_mb_sampled", (sampler.peak - baseline) >> 20);
      figure("mock.sync_peak_heap_mb_pools", (poolPeaks - baseline) >> 20);
      figure("mock.retained_bytes_per_object", retained / n);
      figure("mock.list_paged", "no (the CRUD mock ignores limit and answers one page)");
      System.out.printf(Locale.ROOT, "  synced in %.2f s; peak +%,d MiB over the baseline; %,d bytes retained per object%n",
          syncNanos / 1e9, (sampler.peak - baseline) >> 20, retained / n);

      latency(client, config, source, serialization);
      source.close();
    } finally {
      client.close();
      server.destroy();
    }
  }

  @SuppressWarnings("unchecked")
  private void latency(KubernetesClient client, CompiledConfig config, InformerSource source,
      KubernetesSerialization serialization) throws Exception {
    PrometheusReader reader = new PrometheusReader(true);
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader, t -> LIMIT).build();
    StateMetrics metrics = StateMetrics.register(provider.get(StateMetrics.SCOPE), config, source, Clock.systemUTC(),
        LIMIT);
    PrometheusServer server = PrometheusServer.start("127.0.0.1", 0, reader);
    try {
      URL url = URI.create("http://127.0.0.1:" + server.port() + "/metrics").toURL();
      long s0 = System.nanoTime();
      httpGet(url);
      long scrape = System.nanoTime() - s0;
      List<GenericKubernetesResource> running = client.genericKubernetesResources(Crds.PIPELINE_RUNS)
          .inAnyNamespace().list().getItems().stream()
          .filter(r -> serialization.asJson(r).contains("\"reason\":\"Running\"")).limit(5).toList();
      long[] delays = new long[running.size()];
      for (int i = 0; i < running.size(); i++) {
        GenericKubernetesResource r = running.get(i);
        Map<String, Object> status = (Map<String, Object>) r.getAdditionalProperties().get("status");
        status.put("completionTime", "2026-08-24T11:59:00Z");
        status.put("conditions", List.of(Map.of("type", "Succeeded", "status", "True", "reason", "Completed",
            "lastTransitionTime", "2026-08-24T11:59:00Z")));
        String needle = "k8s_pipelinerun_name=\"" + r.getMetadata().getName() + "\"";
        long t0 = System.nanoTime();
        client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace(r.getMetadata().getNamespace())
            .resource(r).update();
        while (true) {
          String text = new String(httpGet(url), StandardCharsets.UTF_8);
          if (text.lines().anyMatch(l -> l.startsWith("tekton_pipelinerun_condition{") && l.contains(needle)
              && l.contains("condition_reason=\"Completed\""))) {
            break;
          }
          if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
            throw new IllegalStateException("the change never showed at the endpoint");
          }
        }
        delays[i] = System.nanoTime() - t0;
        progress("status change to endpoint", i, delays[i], 0);
      }
      figure("mock.scrape_ms", ms(scrape));
      figure("mock.change_to_endpoint_ms_median", ms(median(delays)));
      figure("mock.change_to_endpoint_ms_worst", ms(max(delays)));
    } finally {
      server.close();
      metrics.close();
      provider.close();
    }
  }

  /** The highest used heap seen, every few milliseconds: what a container limit would meet. */
  private static final class PeakSampler extends Thread {
    volatile boolean stop;
    volatile long peak;

    PeakSampler() {
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!stop) {
        peak = Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  /** Used heap after several full collections. */
  static long gc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 6; i++) {
      System.gc();
      Thread.sleep(40);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private void figure(String key, Object value) {
    figures.put(key, String.valueOf(value));
  }

  private enum Bound {
    AT_MOST("<="),
    BELOW("<"),
    AT_LEAST(">=");

    final String sign;

    Bound(String sign) {
      this.sign = sign;
    }

    boolean met(double value, double limit) {
      return switch (this) {
        case AT_MOST -> value <= limit;
        case BELOW -> value < limit;
        case AT_LEAST -> value >= limit;
      };
    }
  }

  /** A ratio with the bound it is held to, printed as a figure and in the list of targets. */
  private void target(String key, double value, Bound bound, double limit) {
    String v = String.format(Locale.ROOT, "%.2f", value);
    figure(key, v);
    targets.add(String.format(Locale.ROOT, "%-70s %6s %s %-4s %s", key, v, bound.sign, limit,
        bound.met(value, limit) ? "met" : "NOT met"));
  }

  private static List<MemoryPoolMXBean> heapPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream().filter(m -> m.getType() == MemoryType.HEAP).toList();
  }

  private static void progress(String what, int i, long nanos, long bytes) {
    System.out.printf(Locale.ROOT, "  %-26s #%d %9.1f ms%s%n", what, i + 1, nanos / 1e6,
        bytes > 0 ? String.format(Locale.ROOT, " %,d bytes", bytes) : "");
  }

  private static long median(long[] xs) {
    long[] c = xs.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  private static long max(long[] xs) {
    return Arrays.stream(xs).max().orElse(0);
  }

  private static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (double) (1 << 20));
  }

  private static String secs(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
  }

  private static String ratio(long a, long b) {
    return String.format(Locale.ROOT, "%.2f", (double) a / b);
  }

  /** A growable byte buffer that is reused between runs, as a hand-written exporter would keep one. */
  static final class Buffer {
    private byte[] bytes;
    private int size;

    Buffer(int capacity) {
      bytes = new byte[capacity];
    }

    void write(byte[] b) {
      if (size + b.length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + b.length));
      }
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
    }

    void reset() {
      size = 0;
    }

    int size() {
      return size;
    }
  }

  /**
   * The floor over HTTP: the floor's work (the lines, built beforehand, encoded into a buffer)
   * done on the JDK's HTTP server as ours does its own, the buffer sent in 64 KiB writes as the
   * exposition is.
   */
  static final class BytesServer implements AutoCloseable {
    private final HttpServer server;

    BytesServer(String[] lines) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
      byte[] chunk = new byte[64 * 1024];
      server.createContext("/metrics", ex -> {
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
          int used = 0;
          for (String line : lines) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            if (used + b.length > chunk.length) {
              out.write(chunk, 0, used);
              used = 0;
            }
            if (b.length > chunk.length) {
              out.write(b);
            } else {
              System.arraycopy(b, 0, chunk, used, b.length);
              used += b.length;
            }
          }
          out.write(chunk, 0, used);
        }
      });
      server.start();
    }

    URL url() throws IOException {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics").toURL();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** Records given points on fresh instruments of a provider of its own, with nothing else in the callback. */
  static final class BareSdk implements AutoCloseable {
    private final CollectOnlyReader reader = new CollectOnlyReader();
    private final SdkMeterProvider provider = SdkMeterProvider.builder().setExemplarFilter(ExemplarFilter.alwaysOff())
        .registerMetricReader(reader, t -> LIMIT).build();

    BareSdk(Collection<MetricData> metrics) {
      Meter meter = provider.get("bare");
      List<ObservableDoubleMeasurement> instruments = new ArrayList<>();
      List<Attributes[]> attributes = new ArrayList<>();
      List<double[]> values = new ArrayList<>();
      for (MetricData m : metrics) {
        if (m.getType() != MetricDataType.DOUBLE_GAUGE && m.getType() != MetricDataType.DOUBLE_SUM) {
          continue;
        }
        instruments.add(m.getType() == MetricDataType.DOUBLE_SUM
            ? meter.upDownCounterBuilder(m.getName()).ofDoubles().buildObserver()
            : meter.gaugeBuilder(m.getName()).buildObserver());
        List<? extends PointData> points = new ArrayList<>(m.getData().getPoints());
        Attributes[] a = new Attributes[points.size()];
        double[] v = new double[points.size()];
        for (int i = 0; i < a.length; i++) {
          a[i] = points.get(i).getAttributes();
          v[i] = ((DoublePointData) points.get(i)).getValue();
        }
        attributes.add(a);
        values.add(v);
      }
      meter.batchCallback(() -> {
        for (int k = 0; k < instruments.size(); k++) {
          ObservableDoubleMeasurement instrument = instruments.get(k);
          Attributes[] a = attributes.get(k);
          double[] v = values.get(k);
          for (int i = 0; i < a.length; i++) {
            instrument.record(v[i], a[i]);
          }
        }
      }, instruments.get(0), instruments.subList(1, instruments.size()).toArray(new ObservableDoubleMeasurement[0]));
    }

    /** One collection; returns the time it took. */
    long collect() {
      long t0 = System.nanoTime();
      reader.collect();
      return System.nanoTime() - t0;
    }

    @Override
    public void close() {
      provider.close();
    }
  }

  static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** Runs the callbacks and collects the points, as every reader does before writing anything. */
  static final class CollectOnlyReader implements MetricReader {
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

  /**
   * An OTLP/HTTP endpoint that reads each request whole and answers success without decoding it:
   * the test receiver decodes every message into protobuf objects, which at this size would
   * measure the receiver rather than the exporter.
   */
  static final class DrainReceiver implements AutoCloseable {
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong lastRequest = new AtomicLong();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "otlp-drain");
      t.setDaemon(true);
      return t;
    });

    DrainReceiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      server.createContext("/v1/metrics", this::handle);
      server.setExecutor(executor);
      server.start();
    }

    String endpoint() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
    }

    private void handle(HttpExchange ex) throws IOException {
      try (ex; InputStream in = ex.getRequestBody()) {
        byte[] chunk = new byte[1 << 16];
        long n = 0;
        for (int r; (r = in.read(chunk)) > 0; ) {
          n += r;
        }
        bytes.addAndGet(n);
        lastRequest.set(n);
        ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        ex.sendResponseHeaders(200, -1);
      }
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }
}
