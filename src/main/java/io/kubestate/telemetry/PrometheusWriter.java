package io.kubestate.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collection;
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
 */
final class PrometheusWriter {
  private static final Logger logger = Logger.getLogger(PrometheusWriter.class.getName());

  private final PrometheusNames names = new PrometheusNames();
  private final Set<String> conflictsLogged = ConcurrentHashMap.newKeySet();

  private enum Kind {
    GAUGE("gauge"),
    COUNTER("counter"),
    HISTOGRAM("histogram");

    final String word;

    Kind(String word) {
      this.word = word;
    }
  }

  void write(Collection<MetricData> metrics, ExpositionFormat format, boolean targetInfo, Writer out)
      throws IOException {
    Map<String, List<MetricData>> families = new TreeMap<>();
    Map<String, Kind> kinds = new TreeMap<>();
    Resource resource = null;
    for (MetricData m : metrics) {
      Kind kind = kind(m);
      if (kind == null || m.isEmpty()) {
        continue;
      }
      resource = resource == null ? m.getResource() : resource;
      String name = names.metric(m.getName(), m.getUnit());
      if (kind == Kind.COUNTER && name.endsWith("_total")) {
        name = name.substring(0, name.length() - "_total".length());
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
    if (targetInfo && resource != null && !resource.getAttributes().isEmpty()) {
      writeTargetInfo(resource, format, out);
    }
    for (Map.Entry<String, List<MetricData>> e : families.entrySet()) {
      writeFamily(e.getKey(), kinds.get(e.getKey()), e.getValue(), format, out);
    }
    if (format == ExpositionFormat.OPENMETRICS) {
      out.write("# EOF\n");
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

  private void writeTargetInfo(Resource resource, ExpositionFormat format, Writer out) throws IOException {
    out.write("# HELP target_info Target metadata\n");
    out.write(format == ExpositionFormat.OPENMETRICS ? "# TYPE target info\n" : "# TYPE target_info gauge\n");
    out.write("target_info");
    writeLabels(resource.getAttributes(), null, null, out);
    out.write(" 1\n");
  }

  private void writeFamily(String name, Kind kind, List<MetricData> metrics, ExpositionFormat format, Writer out)
      throws IOException {
    String headerName = kind == Kind.COUNTER && format == ExpositionFormat.TEXT ? name + "_total" : name;
    String help = metrics.get(0).getDescription();
    out.write("# HELP ");
    out.write(headerName);
    out.write(' ');
    writeEscaped(help, false, out);
    out.write("\n# TYPE ");
    out.write(headerName);
    out.write(' ');
    out.write(kind.word);
    out.write('\n');
    for (MetricData m : metrics) {
      switch (kind) {
        case GAUGE -> writePoints(name, points(m), out);
        case COUNTER -> writePoints(name + "_total", points(m), out);
        case HISTOGRAM -> {
          for (HistogramPointData p : m.getHistogramData().getPoints()) {
            writeHistogram(name, p, out);
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

  private void writePoints(String name, Collection<? extends PointData> points, Writer out) throws IOException {
    for (PointData p : points) {
      out.write(name);
      writeLabels(p.getAttributes(), null, null, out);
      out.write(' ');
      if (p instanceof LongPointData l) {
        out.write(Long.toString(l.getValue()));
      } else {
        writeDouble(((DoublePointData) p).getValue(), out);
      }
      out.write('\n');
    }
  }

  private void writeHistogram(String name, HistogramPointData p, Writer out) throws IOException {
    List<Double> bounds = p.getBoundaries();
    List<Long> counts = p.getCounts();
    long cumulative = 0;
    for (int i = 0; i < counts.size(); i++) {
      cumulative += counts.get(i);
      out.write(name);
      out.write("_bucket");
      String le = i < bounds.size() ? formatDouble(bounds.get(i)) : "+Inf";
      writeLabels(p.getAttributes(), "le", le, out);
      out.write(' ');
      out.write(Long.toString(cumulative));
      out.write('\n');
    }
    out.write(name);
    out.write("_sum");
    writeLabels(p.getAttributes(), null, null, out);
    out.write(' ');
    writeDouble(p.getSum(), out);
    out.write('\n');
    out.write(name);
    out.write("_count");
    writeLabels(p.getAttributes(), null, null, out);
    out.write(' ');
    out.write(Long.toString(p.getCount()));
    out.write('\n');
  }

  /**
   * Labels in attribute-key order. Two keys that sanitize to the same label name (such as
   * {@code a.b} and {@code a_b}) are merged into one label, values joined by ';', as the
   * specification asks.
   */
  private void writeLabels(Attributes attributes, String extraName, String extraValue, Writer out)
      throws IOException {
    if (attributes.isEmpty() && extraName == null) {
      return;
    }
    Map<String, String> labels = new TreeMap<>();
    attributes.forEach((AttributeKey<?> k, Object v) ->
        labels.merge(names.label(k.getKey()), String.valueOf(v), (a, b) -> a + ";" + b));
    if (extraName != null) {
      labels.put(extraName, extraValue);
    }
    out.write('{');
    boolean first = true;
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!first) {
        out.write(',');
      }
      first = false;
      out.write(e.getKey());
      out.write("=\"");
      writeEscaped(e.getValue(), true, out);
      out.write('"');
    }
    out.write('}');
  }

  private static void writeEscaped(String s, boolean quote, Writer out) throws IOException {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> out.write("\\\\");
        case '\n' -> out.write("\\n");
        case '"' -> out.write(quote ? "\\\"" : "\"");
        default -> out.write(c);
      }
    }
  }

  private static void writeDouble(double d, Writer out) throws IOException {
    out.write(formatDouble(d));
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
