package io.kubestate.bench;

import static io.kubestate.bench.Heap.gc;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

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
 * and a list of targets met and not met at the end). Then the retained heap of the informer-side
 * cache, an initial sync through fabric8's API mock server, and the delay from a status change in
 * the API to the new value at the endpoint.
 *
 * <p>Options (one string, whitespace separated): {@code sizes=10000,100000} PipelineRuns;
 * {@code gateways=10000} {@code routes=20000}; {@code scrapes=7}; {@code heap=100000} objects for
 * the cache measurement; {@code mock=5000} objects for the API mock server (0 skips it; its CRUD
 * store costs time per request in proportion to what it holds, so creating many is slow);
 * {@code only=tekton,gateway,series,heap,mock}; {@code readers=ours,stock,otlp}.
 */
public final class ScaleBenchmark {
  private static final Logger quiet = Logger.getLogger("io.fabric8");

  private final Report report = new Report();
  private final Map<String, String> options = new HashMap<>();

  /** One part of the run, selected by its name in {@code only=}. */
  private interface Section {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    quiet.setLevel(Level.WARNING);
    ScaleBenchmark b = new ScaleBenchmark();
    b.options.putAll(Options.parse(args));
    b.run();
  }

  private String option(String key, String fallback) {
    return options.getOrDefault(key, fallback);
  }

  private int intOption(String key, String fallback) {
    return Integer.parseInt(option(key, fallback));
  }

  private boolean enabled(String section) {
    return enabled(section, "only");
  }

  private boolean enabled(String section, String option) {
    String only = options.get(option);
    return only == null || Arrays.asList(only.split(",")).contains(section);
  }

  private void run() throws Exception {
    report.figure("env.cores", Runtime.getRuntime().availableProcessors());
    report.figure("env.max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
    report.figure("env.java", System.getProperty("java.version"));
    int scrapes = intOption("scrapes", "7");
    for (Map.Entry<String, Section> section : sections(scrapes).entrySet()) {
      if (enabled(section.getKey())) {
        section.getValue().run();
      }
    }
    report.print();
  }

  /**
   * The sections by the names {@code only=} knows them by, in the order they run: a new scenario is
   * one more entry. A section collects its garbage before the next one, so that no figure of one
   * pays for what another left; nothing keeps a scenario's objects past its run for the same reason.
   */
  private Map<String, Section> sections(int scrapes) {
    boolean stock = enabled("stock", "readers");
    boolean otlp = enabled("otlp", "readers");
    Map<String, Section> sections = new LinkedHashMap<>();
    sections.put("tekton", () -> {
      for (String size : option("sizes", "10000,100000").split(",")) {
        new ExpositionScenario(report, ScenarioData.tekton(Integer.parseInt(size.trim())), scrapes, stock, otlp)
            .run();
        gc();
      }
    });
    sections.put("gateway", () -> {
      new ExpositionScenario(report, ScenarioData.gateway(intOption("gateways", "10000"), intOption("routes", "20000")),
          scrapes, stock, otlp).run();
      gc();
    });
    sections.put("series", () -> {
      for (String size : option("sizes", "10000,100000").split(",")) {
        new SeriesHeapScenario(report).run(ScenarioData.tekton(Integer.parseInt(size.trim())));
        gc();
      }
      new SeriesHeapScenario(report).run(ScenarioData.gateway(intOption("gateways", "10000"),
          intOption("routes", "20000")));
      gc();
    });
    sections.put("heap", () -> {
      new CacheHeapScenario(report).run(intOption("heap", "100000"));
      gc();
    });
    sections.put("mock", () -> {
      int mock = intOption("mock", "5000");
      if (mock > 0) {
        new MockServerScenario(report).run(mock);
      }
    });
    return sections;
  }
}
