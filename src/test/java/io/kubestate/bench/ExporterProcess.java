package io.kubestate.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The exporter's jar run as a process of its own, as in its image: started with given JVM flags,
 * its output and GC log in a directory of the caller's, its memory read from outside (/proc, jstat,
 * jcmd), and always killed by {@link #close}. Every wait is bounded.
 */
final class ExporterProcess implements AutoCloseable {
  /** One jstat reading of the used heap (both survivor spaces, eden and old), at a wall-clock time. */
  record HeapSample(long atMillis, long usedBytes) {}

  /**
   * One scrape: how long until the last byte, how many bytes and sample lines, how many of
   * PipelineRuns, and how many runs are still going (Succeeded condition Unknown).
   */
  record Scrape(long nanos, long bytes, long series, long pipelineRunSeries, long unfinished) {}

  final Path gcLog;
  final Path output;
  private final Path dir;
  final long startedMillis;
  private final Process process;
  private final int metricsPort;
  private final int healthPort;
  private final List<HeapSample> samples = new CopyOnWriteArrayList<>();
  private final Thread sampler;
  /** Kills the process should this program be stopped before {@link #close}. */
  private final Thread hook = new Thread(this::close, "exporter-kill");
  private volatile Process jstat;
  private volatile long peakRssKb;
  private volatile boolean closed;

  private ExporterProcess(Process process, Path dir, int metricsPort, int healthPort, long started) {
    this.process = process;
    this.dir = dir;
    this.gcLog = dir.resolve("gc.log");
    this.output = dir.resolve("exporter.log");
    this.metricsPort = metricsPort;
    this.healthPort = healthPort;
    this.startedMillis = started;
    this.sampler = new Thread(this::sample, "exporter-sampler");
    sampler.setDaemon(true);
    sampler.start();
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Starts {@code java <jvmFlags> -jar <jar> run <args>} with its ports on 127.0.0.1. */
  static ExporterProcess start(Path jar, List<String> jvmFlags, List<String> args, Path dir) throws IOException {
    int metricsPort = freePort();
    int healthPort = freePort();
    Path gcLog = dir.resolve("gc.log");
    Path output = dir.resolve("exporter.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    // Wall-clock milliseconds on each line, to place a collection in the phases measured here.
    command.add("-Xlog:gc*:file=" + gcLog + ":timemillis,uptime,level,tags");
    command.addAll(List.of("-jar", jar.toString(), "run"));
    command.addAll(args);
    command.addAll(List.of("--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metricsPort),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(healthPort)));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    // Outside a pod, but a variable left over from one would point the client elsewhere.
    pb.environment().keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.equals("KUBECONFIG")
        || k.startsWith("OTEL_"));
    long started = System.currentTimeMillis();
    return new ExporterProcess(pb.start(), dir, metricsPort, healthPort, started);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** How the process ended: null while it runs, else out_of_memory or exited_CODE. */
  String ended() {
    if (process.isAlive()) {
      return null;
    }
    try {
      if (Files.readString(output, StandardCharsets.UTF_8).contains("OutOfMemoryError")) {
        return "out_of_memory";
      }
    } catch (IOException e) {
      // The exit code still says it ended.
    }
    return "exited_" + process.exitValue();
  }

  /** True once /readyz answers 200. */
  boolean ready() {
    try {
      HttpURLConnection c = connect("http://127.0.0.1:" + healthPort + "/readyz", 2_000);
      try {
        return c.getResponseCode() == 200;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  /** One GET of /metrics, read to its end and counted line by line. */
  Scrape scrape(int timeoutMillis) throws IOException {
    long t0 = System.nanoTime();
    HttpURLConnection c = connect("http://127.0.0.1:" + metricsPort + "/metrics", timeoutMillis);
    long bytes = 0;
    long series = 0;
    long runs = 0;
    long unfinished = 0;
    try (InputStream in = c.getInputStream();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
      if (c.getResponseCode() != 200) {
        throw new IOException("/metrics answered " + c.getResponseCode());
      }
      for (String line; (line = r.readLine()) != null; ) {
        bytes += line.length() + 1;
        if (!line.isEmpty() && line.charAt(0) != '#') {
          series++;
          if (line.startsWith("tekton_pipelinerun")) {
            runs++;
            if (line.startsWith("tekton_pipelinerun_condition{") && line.contains("condition_status=\"Unknown\"")) {
              unfinished++;
            }
          }
        }
      }
    } finally {
      c.disconnect();
    }
    return new Scrape(System.nanoTime() - t0, bytes, series, runs, unfinished);
  }

  /** The output of {@code jcmd <pid> <command...>}, or null when it fails or takes over the timeout. */
  String jcmd(int timeoutSeconds, String... command) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(tool("jcmd"), Long.toString(pid())));
    cmd.addAll(List.of(command));
    // To a file: a histogram would fill a pipe that nobody reads while we wait.
    Path out = dir.resolve("jcmd.out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return null;
    }
    return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : null;
  }

  /** A field of /proc/PID/status in kB (VmRSS, VmHWM), or -1 once the process is gone. */
  long statusKb(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** The highest resident set seen, also after the process is gone (its VmHWM goes with it). */
  long peakRssKb() {
    return Math.max(peakRssKb, statusKb("VmHWM"));
  }

  List<HeapSample> heapSamples() {
    return List.copyOf(samples);
  }

  /**
   * Reads jstat's used heap every 100 ms, and the resident set's high-water mark; jstat is started
   * again when it stops early (it cannot attach before the JVM has published its counters).
   */
  private void sample() {
    while (!closed && process.isAlive()) {
      try {
        Process p = new ProcessBuilder(tool("jstat"), "-gc", Long.toString(pid()), "100").redirectErrorStream(true)
            .start();
        jstat = p;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String[] header = null;
          for (String line; (line = r.readLine()) != null && !closed; ) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 0 && f[0].equals("S0C")) {
              header = f;
            } else if (header != null && f.length == header.length) {
              samples.add(new HeapSample(System.currentTimeMillis(), used(header, f)));
            }
            peakRssKb = Math.max(peakRssKb, statusKb("VmHWM"));
          }
        } finally {
          p.destroy();
        }
        Thread.sleep(200);
      } catch (IOException | RuntimeException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static long used(String[] header, String[] values) {
    double kb = 0;
    for (int i = 0; i < header.length; i++) {
      if (List.of("S0U", "S1U", "EU", "OU").contains(header[i])) {
        kb += Double.parseDouble(values[i]);
      }
    }
    return (long) (kb * 1024);
  }

  private static HttpURLConnection connect(String url, int timeoutMillis) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(2_000);
    c.setReadTimeout(timeoutMillis);
    return c;
  }

  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Called by the hook itself, while the JVM shuts down.
    }
    Process j = jstat;
    if (j != null) {
      j.destroyForcibly();
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
