package io.kubestate.bench;

import io.kubestate.testing.DockerfileEntrypoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The memory of the exporter as it runs in its pod: the built jar, started as a process of its own
 * with the image's JVM flags, against {@link PipelineRunApiServer} serving N PipelineRuns. Prints
 * figures ({@code memory_100k.live_heap_bytes_per_object=...}) and the targets they are held to;
 * a process that dies (out of memory, for one) is a figure too, never a crash of this program.
 *
 * <p>The heap: by default ({@code heap=pod}) the JVM is told the pod's memory limit
 * ({@code -XX:MaxRAM}) rather than given an {@code -Xmx}, so that the image's
 * {@code -XX:MaxRAMPercentage} sizes the heap as in the pod (70% of the limit), and the pod's
 * CPU limit ({@code -XX:ActiveProcessorCount}), which makes the JVM choose the Serial collector as
 * it does there; a plain {@code -Xmx} on this machine would get G1 and its other overheads.
 * {@code heap=2g} gives {@code -Xmx2g} instead, same collector, to measure what a heap that is
 * large enough holds.
 *
 * <p>Figures, per run: {@code sync_s}, from the start of the process to /readyz 200 (the JVM's start
 * included); {@code first_scrape_ms} and {@code scrape_ms_median} (of the scrapes after the first);
 * {@code series}; {@code live_heap_*}, the total of {@code jcmd GC.class_histogram}, which collects
 * the whole heap first, taken after the scrapes; {@code rss_mb} (VmRSS after the scrapes) and
 * {@code rss_peak_mb} (VmHWM). The peaks of the heap, in the sync (first collection included) and
 * in the first three scrapes: {@code *_peak_retained_mb} is the most a collection of the whole heap
 * left in the phase, from the GC log, what the process needed then (read only when such a
 * collection happens); {@code *_peak_heap_mb} the most left by any collection (a young collection
 * counts the old generation whole, garbage included); {@code *_peak_heap_used_mb} the most used
 * heap seen, garbage included (jstat every 100 ms, and the GC log before each collection), which
 * errs high, the more so the larger the heap. The 1.5 x live heap target is held to the first;
 * the other two are printed beside it.
 *
 * <p>Options (whitespace separated): {@code objects=100000} (several: {@code 10000,100000});
 * {@code heap=pod} or a size; {@code limit=} (MiB, the pod's memory limit; by default the one deploy/base sets); {@code cpus=1};
 * {@code scrapes=5}; {@code preset=tekton}; {@code histogram=false} (print the top classes);
 * {@code baseline=true} (also measure the process with no objects); {@code changes=0} (runs
 * completed through the watches before the live heap is measured); {@code timeout=900} (seconds for
 * the sync and for each scrape); {@code jar=target/kube-state-otel.jar}; {@code jvm=} (more flags for the exporter's JVM, comma separated); {@code settle=10} (seconds between the last scrape and the live heap); {@code keep=false} (keep the
 * logs of a run that succeeded); {@code streaming=false} (the API server serves streaming lists,
 * instead of refusing them as one with the WatchList feature off does).
 */
public final class MemoryBenchmark {
  private static final Pattern INFORMER_SYNC = Pattern.compile("synced ([\\d,]+) pipelineruns in ([\\d.]+) s");

  private final Map<String, String> options = new HashMap<>();
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<String> targets = new ArrayList<>();
  private final List<String> histograms = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    MemoryBenchmark b = new MemoryBenchmark();
    b.options.putAll(Options.parse(args));
    b.run();
  }

  private String option(String key, String fallback) {
    return options.getOrDefault(key, fallback);
  }

  private void run() throws Exception {
    figure("memory.env.cores", Runtime.getRuntime().availableProcessors());
    figure("memory.env.java", System.getProperty("java.version"));
    figure("memory.jvm_flags", String.join(" ", jvmFlags()));
    long empty = -1;
    if (Boolean.parseBoolean(option("baseline", "true"))) {
      empty = measure(0, -1);
    }
    for (String size : option("objects", "100000").split(",")) {
      measure(Integer.parseInt(size.trim()), empty);
    }
    System.out.println();
    histograms.forEach(System.out::println);
    figures.forEach((k, v) -> System.out.println(k + "=" + v));
    System.out.println();
    System.out.println("# targets");
    targets.forEach(t -> System.out.println("# " + t));
  }

  /** The image's JVM flags, then the heap and processors of the pod; see the class comment. */
  private List<String> jvmFlags() throws IOException {
    List<String> flags = new ArrayList<>(DockerfileEntrypoint.jvmFlags(Path.of(option("dockerfile", "Dockerfile"))));
    String heap = option("heap", "pod");
    flags.add(heap.equals("pod") ? "-XX:MaxRAM=" + limitMb() + "m" : "-Xmx" + heap);
    flags.add("-XX:ActiveProcessorCount=" + option("cpus", "1"));
    // More flags for the exporter's JVM, comma separated: a flight recording, for one.
    String jvm = options.get("jvm");
    if (jvm != null && !jvm.isBlank()) {
      flags.addAll(List.of(jvm.split(",")));
    }
    return flags;
  }

  /** The pod's memory limit in MiB: {@code limit=}, else the one the deploy's base Deployment sets. */
  private long limitMb() throws IOException {
    String given = options.get("limit");
    return given != null ? Long.parseLong(given) : deployLimitMb(Path.of(option("deployment",
        "deploy/base/deployment.yaml")));
  }

  /** The container's {@code limits: memory: NMi} in a Deployment manifest. */
  static long deployLimitMb(Path deployment) throws IOException {
    Matcher m = Pattern.compile("limits:\\s*\\n(?:\\s+cpu:.*\\n)?\\s+memory:\\s*(\\d+)Mi")
        .matcher(Files.readString(deployment, StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new IllegalStateException("no memory limit in Mi under limits: in " + deployment + "; give limit=");
    }
    return Long.parseLong(m.group(1));
  }

  /** One process against N objects; returns its live heap in bytes, or -1 when it was not measured. */
  private long measure(int n, long emptyLive) throws Exception {
    String p = "memory_" + (n == 0 ? "empty" : n % 1000 == 0 ? n / 1000 + "k" : Integer.toString(n));
    int scrapes = Integer.parseInt(option("scrapes", "5"));
    long timeoutMillis = Long.parseLong(option("timeout", "900")) * 1000;
    Path dir = Files.createTempDirectory("memory-bench-");
    System.out.printf(Locale.ROOT, "%n== %,d PipelineRuns, preset %s (logs in %s)%n", n, option("preset", "tekton"),
        dir);
    figure(p + ".objects", n);
    long live = -1;
    String outcome;
    try (PipelineRunApiServer api = new PipelineRunApiServer(n, 30,
        Boolean.parseBoolean(option("streaming", "false")))) {
      Path kubeconfig = dir.resolve("kubeconfig");
      Files.writeString(kubeconfig, kubeconfig(api.url()), StandardCharsets.UTF_8);
      List<String> args = List.of("--preset", option("preset", "tekton"), "--kubeconfig", kubeconfig.toString());
      long readyAt = -1;
      long scrapesEnd = -1;
      try (ExporterProcess child = ExporterProcess.start(Path.of(option("jar", "target/kube-state-otel.jar")),
          jvmFlags(), args, dir)) {
        String stage = "sync";
        long deadline = child.startedMillis + timeoutMillis;
        while (child.alive() && System.currentTimeMillis() < deadline && !child.ready()) {
          Thread.sleep(100);
        }
        if (child.alive() && child.ready()) {
          readyAt = System.currentTimeMillis();
          figure(p + ".sync_s", String.format(Locale.ROOT, "%.1f", (readyAt - child.startedMillis) / 1e3));
          informerSync(p, child.output);
          stage = "scrape";
          scrapesEnd = scrape(p, child, scrapes, (int) Math.min(Integer.MAX_VALUE, timeoutMillis));
          if (scrapesEnd > 0) {
            figure(p + ".rss_mb", child.statusKb("VmRSS") >> 10);
            int changes = Integer.parseInt(option("changes", "0"));
            if (changes > 0) {
              stage = "changes";
              changes(p, child, api, changes);
            }
            stage = "live heap";
            // What is still in flight when the ready process has just been scraped (seen here as
            // up to 40 MB of int[] for some seconds after the first collection, gone a few seconds
            // later) is not what it holds: the live heap is read once it has settled.
            Thread.sleep(Long.parseLong(option("settle", "10")) * 1000);
            live = liveHeap(p, child, n);
          }
        }
        outcome = child.ended() != null ? child.ended() + " (during the " + stage + ")"
            : readyAt < 0 ? "not ready after " + timeoutMillis / 1000 + " s"
            : scrapesEnd < 0 || live < 0 ? "failed during the " + stage : "ok";
        if (child.ended() != null) {
          figure(p + ".died_during", stage.replace(' ', '_'));
          figure(p + ".died_after_s", String.format(Locale.ROOT, "%.1f",
              (System.currentTimeMillis() - child.startedMillis) / 1e3));
        }
        figure(p + ".rss_peak_mb", child.peakRssKb() >> 10);
        peaks(p, child, readyAt, scrapesEnd);
      }
      api.requests().forEach((k, v) -> figure(p + ".api." + k.replace(' ', '_'), v));
      api.firstQueries().stream().sorted().forEach(q -> System.out.println("  first request: " + q));
    }
    figure(p + ".outcome", outcome.startsWith("out_of_memory") ? "out_of_memory" : outcome.replace(' ', '_'));
    if (!outcome.equals("ok")) {
      System.out.println("  outcome: " + outcome + "; the exporter's last lines:");
      tail(dir.resolve("exporter.log"), 8).forEach(l -> System.out.println("    " + l));
    }
    if (n > 0) {
      targets(p, n, live, emptyLive);
    }
    if (outcome.equals("ok") && !Boolean.parseBoolean(option("keep", "false"))) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
    return live;
  }

  private static String kubeconfig(String server) {
    return String.join("\n", "apiVersion: v1", "kind: Config", "clusters:", "- name: bench", "  cluster:",
        "    server: " + server, "contexts:", "- name: bench", "  context:", "    cluster: bench",
        "    user: bench", "current-context: bench", "users:", "- name: bench", "  user:", "    token: bench", "");
  }

  /** The exporter's own account of its list: "synced 100,000 pipelineruns in 41.2 s". */
  private void informerSync(String p, Path log) throws IOException {
    Matcher m = INFORMER_SYNC.matcher(Files.readString(log, StandardCharsets.UTF_8));
    if (m.find()) {
      figure(p + ".informer_sync_s", m.group(2));
    }
  }

  /** Scrapes one after another; returns when the third ended (or the last, if fewer), -1 on failure. */
  private long scrape(String p, ExporterProcess child, int scrapes, int timeoutMillis) throws InterruptedException {
    long[] nanos = new long[scrapes];
    long thirdEnd = -1;
    for (int i = 0; i < scrapes; i++) {
      ExporterProcess.Scrape s;
      try {
        s = child.scrape(timeoutMillis);
      } catch (IOException e) {
        System.out.println("  scrape " + (i + 1) + " failed: " + e.getMessage());
        return -1;
      }
      nanos[i] = s.nanos();
      System.out.printf(Locale.ROOT, "  scrape %d: %,.0f ms, %,d series (%,d of PipelineRuns), %,d bytes%n", i + 1,
          s.nanos() / 1e6, s.series(), s.pipelineRunSeries(), s.bytes());
      if (i == 0) {
        figure(p + ".series", s.series());
        figure(p + ".pipelinerun_series", s.pipelineRunSeries());
        figure(p + ".exposition_mb", String.format(Locale.ROOT, "%.1f", s.bytes() / 1048576.0));
      }
      if (i == Math.min(3, scrapes) - 1) {
        thirdEnd = System.currentTimeMillis();
      }
      Thread.sleep(500);
    }
    figure(p + ".first_scrape_ms", Math.round(nanos[0] / 1e6));
    if (scrapes > 1) {
      long[] rest = Arrays.copyOfRange(nanos, 1, scrapes);
      Arrays.sort(rest);
      figure(p + ".scrape_ms_median", Math.round(rest[rest.length / 2] / 1e6));
    }
    return thirdEnd;
  }

  /**
   * Completes running PipelineRuns through the watch and waits, at most a minute, for the endpoint
   * to show them finished: the watch path is then part of what the live heap holds.
   */
  private void changes(String p, ExporterProcess child, PipelineRunApiServer api, int changes)
      throws IOException, InterruptedException {
    long before = child.scrape(60_000).unfinished();
    long t0 = System.nanoTime();
    int sent = api.complete(changes);
    figure(p + ".changes_sent", sent);
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && child.alive()) {
      if (before - child.scrape(60_000).unfinished() >= sent) {
        figure(p + ".changes_seen_ms", Math.round((System.nanoTime() - t0) / 1e6));
        return;
      }
      Thread.sleep(200);
    }
    figure(p + ".changes_seen_ms", "not_within_60s");
  }

  /** The histogram's total, which jcmd takes after collecting the whole heap. */
  private long liveHeap(String p, ExporterProcess child, int n) throws IOException, InterruptedException {
    // The Serial collector leaves up to 5% of the heap as dead objects in place (filled with
    // int[]) rather than move what lies above them, except at every fourth full collection
    // (MarkSweepAlwaysCompactCount): four in a row compact it whole, so that the histogram counts
    // what the process holds and not that slack (about 18 MB at 100,000 objects).
    for (int i = 0; i < 4; i++) {
      child.jcmd(600, "GC.run");
    }
    String histogram = child.jcmd(600, "GC.class_histogram");
    if (histogram == null) {
      return -1;
    }
    long total = -1;
    List<String[]> rows = new ArrayList<>();
    for (String line : histogram.lines().toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[0].equals("Total")) {
        total = Long.parseLong(f[2]);
      } else if (f.length >= 4 && f[0].endsWith(":")) {
        rows.add(f);
      }
    }
    figure(p + ".live_heap_mb", String.format(Locale.ROOT, "%.1f", total / 1048576.0));
    if (n > 0) {
      figure(p + ".live_heap_bytes_per_object", total / n);
    }
    if (Boolean.parseBoolean(option("histogram", "false"))) {
      StringBuilder b = new StringBuilder("# " + p + ": top classes after a full collection (bytes, instances,"
          + " bytes per object)\n");
      rows.stream().sorted(Comparator.comparingLong((String[] f) -> -Long.parseLong(f[2]))).limit(15)
          .forEach(f -> b.append(String.format(Locale.ROOT, "#   %,14d %,12d %8s  %s%n", Long.parseLong(f[2]),
              Long.parseLong(f[1]), n > 0 ? Long.toString(Long.parseLong(f[2]) / n) : "-", f[3])));
      histograms.add(b.toString());
    }
    return total;
  }

  /** The heap's peaks in the sync (start to ready) and in the first three scrapes (ready to their end). */
  private void peaks(String p, ExporterProcess child, long readyAt, long scrapesEnd) throws IOException {
    List<GcLog.Pause> pauses = GcLog.read(child.gcLog);
    List<ExporterProcess.HeapSample> samples = child.heapSamples();
    long now = System.currentTimeMillis();
    long syncEnd = readyAt > 0 ? readyAt : now;
    phase(p + ".sync", pauses, samples, child.startedMillis, syncEnd);
    if (readyAt > 0) {
      phase(p + ".scrape", pauses, samples, readyAt, scrapesEnd > 0 ? scrapesEnd : now);
    }
    figure(p + ".gc_pauses", pauses.size());
    figure(p + ".gc_full_pauses", pauses.stream().filter(GcLog.Pause::full).count());
    figure(p + ".gc_pause_ms_total", Math.round(pauses.stream().mapToDouble(GcLog.Pause::millis).sum()));
    pauses.stream().mapToLong(GcLog.Pause::capacityBytes).max()
        .ifPresent(c -> figure(p + ".heap_capacity_mb", c >> 20));
  }

  private void phase(String key, List<GcLog.Pause> pauses, List<ExporterProcess.HeapSample> samples, long from,
      long to) {
    List<GcLog.Pause> in = pauses.stream().filter(x -> x.atMillis() >= from && x.atMillis() <= to).toList();
    long after = in.stream().mapToLong(GcLog.Pause::afterBytes).max().orElse(-1);
    // After a collection of the whole heap, only what the process held: what it needed then.
    long retained = in.stream().filter(GcLog.Pause::full).mapToLong(GcLog.Pause::afterBytes).max().orElse(-1);
    long used = Math.max(in.stream().mapToLong(GcLog.Pause::beforeBytes).max().orElse(-1),
        samples.stream().filter(s -> s.atMillis() >= from && s.atMillis() <= to)
            .mapToLong(ExporterProcess.HeapSample::usedBytes).max().orElse(-1));
    figure(key + "_peak_heap_mb", after < 0 ? "no_collection" : Long.toString(after >> 20));
    figure(key + "_peak_heap_used_mb", used < 0 ? "not_sampled" : Long.toString(used >> 20));
    figure(key + "_peak_retained_mb", retained < 0 ? "no_full_collection" : Long.toString(retained >> 20));
    figure(key + "_gc_pauses", in.size());
  }

  private void targets(String p, int n, long live, long emptyLive) throws IOException {
    if (live < 0) {
      targets.add(String.format(Locale.ROOT, "%-60s not measured (%s)", p + ".live_heap_bytes_per_object",
          figures.get(p + ".outcome")));
    } else {
      target(p + ".live_heap_bytes_per_object", live / (double) n, "<=", 2500);
      target(p + ".live_heap_bytes_per_object (stretch)", live / (double) n, "<=", 1500);
      if (emptyLive > 0) {
        figure(p + ".live_heap_bytes_per_object_over_empty", (live - emptyLive) / n);
      }
      // What full collections left is what the process needed at that moment; the other two readings
      // count garbage too (a young collection's "after" counts the old generation whole), more of it
      // the larger the heap, and bracket it from above.
      peakRatio(p, "peak_retained_to_live_ratio", "_peak_retained_mb", live, "after full GCs");
      peakRatio(p, "peak_heap_to_live_ratio", "_peak_heap_mb", live, "after any GC, garbage in part");
      peakRatio(p, "peak_heap_used_to_live_ratio", "_peak_heap_used_mb", live, "garbage in, high");
    }
    long limit = limitMb();
    target(p + ".rss_peak_mb (pod limit)", mb(figures.get(p + ".rss_peak_mb")), "<", limit);
  }

  /** A peak of the sync and the first three scrapes against the live heap, held to 1.5. */
  private void peakRatio(String p, String name, String suffix, long live, String note) {
    long peak = Math.max(mb(figures.get(p + ".sync" + suffix)), mb(figures.get(p + ".scrape" + suffix)));
    if (peak > 0) {
      double ratio = (peak << 20) / (double) live;
      figure(p + "." + name, String.format(Locale.ROOT, "%.2f", ratio));
      target(p + "." + name + " (" + note + ")", ratio, "<=", 1.5);
    }
  }

  private static long mb(String figure) {
    try {
      return figure == null ? -1 : Long.parseLong(figure);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void target(String key, double value, String sign, double limit) {
    boolean met = sign.equals("<") ? value < limit : value <= limit;
    targets.add(String.format(Locale.ROOT, "%-60s %9.2f %-2s %-6s %s", key, value, sign, limit,
        met ? "met" : "NOT met"));
  }

  private static List<String> tail(Path file, int lines) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
    return all.subList(Math.max(0, all.size() - lines), all.size());
  }

  private void figure(String key, Object value) {
    figures.put(key, String.valueOf(value));
  }
}
