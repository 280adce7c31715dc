package io.kubestate.telemetry;

import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Writes OpenTelemetry metric data as Prometheus text (0.0.4) or OpenMetrics 1.0. Gauges and
 * non-monotonic sums become gauges, monotonic sums counters, explicit-bucket histograms histograms;
 * the Resource becomes {@code target_info}. No {@code otel_scope_*} labels: state families carry
 * the names users chose, and the other scopes (self-telemetry, the OTLP exporter's own counters)
 * use names of their own; a name claimed twice with two types is logged and served once.
 *
 * <p>Not thread-safe: the reader serializes scrapes. Everything that depends only on names (the
 * Prometheus metric name, the label names in output order with their separators) is encoded once
 * and kept; per point only the values are written.
 */
final class PrometheusWriter {
  private static final Logger logger = Logger.getLogger(PrometheusWriter.class.getName());
  private final PrometheusNames names = new PrometheusNames();
  private final Set<String> conflictsLogged = ConcurrentHashMap.newKeySet();
  private final ExpositionBuffer buf = new ExpositionBuffer(64 * 1024);
  private final Map<String, byte[]> ascii = new HashMap<>();
  private final PrometheusLabels labels = new PrometheusLabels(names);
  private final PointData[] batch = new PointData[32];
  /** Read from the label texts looked up ahead, so that the lookups are not optimized away. */
  private int touched;

  private enum Kind {
    GAUGE("gauge"),
    COUNTER("counter"),
    HISTOGRAM("histogram");

    final String word;

    Kind(String word) {
      this.word = word;
    }
  }

  void write(Collection<MetricData> metrics, ExpositionFormat format, boolean targetInfo, OutputStream out)
      throws IOException {
    Map<String, List<MetricData>> families = new TreeMap<>();
    Map<String, Kind> kinds = new HashMap<>();
    Resource resource = null;
    for (MetricData m : metrics) {
      Kind kind = kind(m);
      if (kind == null || m.isEmpty()) {
        continue;
      }
      resource = resource == null ? m.getResource() : resource;
      String name = names.metric(m.getName(), m.getUnit());
      if (kind == Kind.COUNTER) {
        name = PrometheusNames.withoutTotal(name);
      }
      Kind earlier = kinds.putIfAbsent(name, kind);
      if (earlier != null && earlier != kind) {
        if (conflictsLogged.add(name)) {
          logger.warning("metric " + m.getName() + " is a " + kind.word + " but " + name + " is already a "
              + earlier.word + "; left out of the Prometheus endpoint");
        }
        continue;
      }
      families.computeIfAbsent(name, n -> new ArrayList<>()).add(m);
    }
    buf.open(out);
    try {
      if (targetInfo && resource != null && !resource.getAttributes().isEmpty()) {
        writeTargetInfo(resource, format);
      }
      for (Map.Entry<String, List<MetricData>> e : families.entrySet()) {
        writeFamily(e.getKey(), kinds.get(e.getKey()), e.getValue(), format);
      }
      if (format == ExpositionFormat.OPENMETRICS) {
        buf.ascii("# EOF\n");
      }
    } finally {
      buf.close();
    }
  }

  private static Kind kind(MetricData m) {
    MetricDataType t = m.getType();
    switch (t) {
      case LONG_GAUGE:
      case DOUBLE_GAUGE:
        return Kind.GAUGE;
      case LONG_SUM:
        return m.getLongSumData().isMonotonic() ? Kind.COUNTER : Kind.GAUGE;
      case DOUBLE_SUM:
        return m.getDoubleSumData().isMonotonic() ? Kind.COUNTER : Kind.GAUGE;
      case HISTOGRAM:
        return Kind.HISTOGRAM;
      default:
        return null;
    }
  }

  private byte[] bytes(String s) {
    byte[] b = ascii.get(s);
    if (b == null) {
      b = s.getBytes(StandardCharsets.UTF_8);
      ascii.put(s, b);
    }
    return b;
  }

  private void writeTargetInfo(Resource resource, ExpositionFormat format) throws IOException {
    buf.ascii("# HELP target_info Target metadata\n");
    buf.ascii(format == ExpositionFormat.OPENMETRICS ? "# TYPE target info\n" : "# TYPE target_info gauge\n");
    buf.ascii("target_info");
    labels.writeSorted(buf, resource.getAttributes(), null, null);
    buf.ascii(" 1\n");
  }

  private void writeFamily(String name, Kind kind, List<MetricData> metrics, ExpositionFormat format)
      throws IOException {
    String headerName = kind == Kind.COUNTER && format == ExpositionFormat.TEXT ? name + "_total" : name;
    String help = metrics.get(0).getDescription();
    buf.ascii("# HELP ");
    buf.write(bytes(headerName));
    buf.write((byte) ' ');
    buf.escaped(help, false);
    buf.ascii("\n# TYPE ");
    buf.write(bytes(headerName));
    buf.write((byte) ' ');
    buf.ascii(kind.word);
    buf.write((byte) '\n');
    for (MetricData m : metrics) {
      switch (kind) {
        case GAUGE -> writePoints(bytes(name), points(m));
        case COUNTER -> writePoints(bytes(name + "_total"), points(m));
        case HISTOGRAM -> {
          for (HistogramPointData p : m.getHistogramData().getPoints()) {
            writeHistogram(name, p);
          }
        }
      }
    }
  }

  private static Collection<? extends PointData> points(MetricData m) {
    return switch (m.getType()) {
      case LONG_GAUGE -> m.getLongGaugeData().getPoints();
      case DOUBLE_GAUGE -> m.getDoubleGaugeData().getPoints();
      case LONG_SUM -> m.getLongSumData().getPoints();
      default -> m.getDoubleSumData().getPoints();
    };
  }

  private void writePoints(byte[] name, Collection<? extends PointData> points) throws IOException {
    PointData[] batch = this.batch;
    int n = 0;
    for (PointData p : points) {
      batch[n++] = p;
      if (n == batch.length) {
        writeBatch(name, n);
        n = 0;
      }
    }
    writeBatch(name, n);
  }

  /**
   * Writes points a batch at a time: first the values of every point's labels are read, then the
   * lines are written. A series' values lie wherever its object was read, so each read misses the
   * processor's caches; in a loop that does only reads, the misses of many points are under way at
   * once instead of one after the other between copies.
   */
  private void writeBatch(byte[] name, int n) throws IOException {
    PointData[] batch = this.batch;
    int touched = 0;
    for (int j = 0; j < n; j++) {
      if (batch[j].getAttributes() instanceof SampleAttributes sample && sample.layoutValues() != null) {
        for (String v : sample.layoutValues()) {
          // The first character, so that the string and the bytes it holds are both read ahead.
          touched += v == null || v.isEmpty() ? 0 : v.charAt(0);
        }
      }
    }
    this.touched = touched;
    PrometheusLabels.Layout last = null;
    for (int j = 0; j < n; j++) {
      PointData p = batch[j];
      buf.write(name);
      if (!(p.getAttributes() instanceof SampleAttributes sample) || !labels.writeSample(buf, sample)) {
        last = labels.write(buf, p.getAttributes(), last);
      }
      buf.write((byte) ' ');
      if (p instanceof DoublePointData d) {
        buf.number(d.getValue());
      } else {
        buf.decimal(((LongPointData) p).getValue());
      }
      buf.write((byte) '\n');
      batch[j] = null;
    }
  }

  private void writeHistogram(String name, HistogramPointData p) throws IOException {
    List<Double> bounds = p.getBoundaries();
    List<Long> counts = p.getCounts();
    long cumulative = 0;
    for (int i = 0; i < counts.size(); i++) {
      cumulative += counts.get(i);
      buf.ascii(name);
      buf.ascii("_bucket");
      String le = i < bounds.size() ? formatDouble(bounds.get(i)) : "+Inf";
      labels.writeSorted(buf, p.getAttributes(), "le", le);
      buf.write((byte) ' ');
      buf.decimal(cumulative);
      buf.write((byte) '\n');
    }
    buf.ascii(name);
    buf.ascii("_sum");
    labels.writeSorted(buf, p.getAttributes(), null, null);
    buf.write((byte) ' ');
    buf.ascii(formatDouble(p.getSum()));
    buf.write((byte) '\n');
    buf.ascii(name);
    buf.ascii("_count");
    labels.writeSorted(buf, p.getAttributes(), null, null);
    buf.write((byte) ' ');
    buf.decimal(p.getCount());
    buf.write((byte) '\n');
  }

  /** Integral values without a fraction, as kube-state-metrics prints them; others in Java's shortest form. */
  static String formatDouble(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    return Double.toString(d);
  }
}
