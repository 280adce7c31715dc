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
  /** Label layouts kept; configs produce a few per family, so this is only a bound against odd data. */
  private static final int MAX_LAYOUTS = 4096;

  private final PrometheusNames names = new PrometheusNames();
  private final Set<String> conflictsLogged = ConcurrentHashMap.newKeySet();
  private final ExpositionBuffer buf = new ExpositionBuffer(64 * 1024);
  private final Map<String, byte[]> ascii = new HashMap<>();
  private final Map<List<String>, Layout> layouts = new HashMap<>();
  private final Collector collector = new Collector();
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
    writeLabelsSorted(buf, resource.getAttributes(), null, null);
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
          touched += v == null ? 0 : v.length();
        }
      }
    }
    this.touched = touched;
    Layout last = null;
    for (int j = 0; j < n; j++) {
      PointData p = batch[j];
      buf.write(name);
      if (!(p.getAttributes() instanceof SampleAttributes sample) || !writeSampleLabels(sample)) {
        last = writeLabels(buf, p.getAttributes(), last);
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

  /**
   * The labels of a state sample from its family's layout, whose label names and their order are
   * worked out once per family; false when the sample has another shape, or two of its keys share
   * a label name.
   */
  private boolean writeSampleLabels(SampleAttributes sample) throws IOException {
    String[] values = sample.layoutValues();
    if (values == null) {
      return false;
    }
    SampleAttributes.Layout layout = sample.layout();
    Layout labels = layout.labels instanceof Layout l ? l : null;
    if (labels == null) {
      String[] keyNames = new String[layout.keys.length];
      for (int i = 0; i < keyNames.length; i++) {
        keyNames[i] = layout.keys[i].getKey();
      }
      labels = new Layout(List.of(keyNames), names);
      layout.labels = labels;
    }
    if (labels.merged) {
      return false;
    }
    int[] order = labels.order;
    byte[][] named = labels.bare;
    boolean first = true;
    boolean plain = sample.plain();
    for (int i = 0; i < order.length; i++) {
      String v = values[order[i]];
      if (v == null) {
        continue;
      }
      buf.write(first ? (byte) '{' : (byte) ',');
      first = false;
      buf.write(named[i]);
      if (plain) {
        buf.plain(v);
      } else {
        buf.escaped(v, true);
      }
      buf.write((byte) '"');
    }
    if (!first) {
      buf.write((byte) '}');
    }
    return true;
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
      writeLabelsSorted(buf, p.getAttributes(), "le", le);
      buf.write((byte) ' ');
      buf.decimal(cumulative);
      buf.write((byte) '\n');
    }
    buf.ascii(name);
    buf.ascii("_sum");
    writeLabelsSorted(buf, p.getAttributes(), null, null);
    buf.write((byte) ' ');
    buf.ascii(formatDouble(p.getSum()));
    buf.write((byte) '\n');
    buf.ascii(name);
    buf.ascii("_count");
    writeLabelsSorted(buf, p.getAttributes(), null, null);
    buf.write((byte) ' ');
    buf.decimal(p.getCount());
    buf.write((byte) '\n');
  }

  /**
   * Labels ordered by label name. The points of one family nearly always carry the same keys, so the
   * order and the encoded names are looked up once per key set ({@code last} is the previous
   * point's) and only the values are written per point.
   */
  private Layout writeLabels(ExpositionBuffer out, Attributes attributes, Layout last) throws IOException {
    if (attributes.isEmpty()) {
      return last;
    }
    Collector c = collector;
    c.size = 0;
    attributes.forEach(c);
    Layout layout = last != null && last.matches(c.keys, c.size) ? last : layout(c);
    if (layout == null) {
      c.clear();
      writeLabelsSorted(out, attributes, null, null);
      return last;
    }
    int[] order = layout.order;
    byte[][] prefixes = layout.prefixes;
    Object[] values = c.values;
    for (int i = 0; i < order.length; i++) {
      out.write(prefixes[i]);
      Object v = values[order[i]];
      out.escaped(v instanceof String s ? s : String.valueOf(v), true);
      out.write((byte) '"');
    }
    out.write((byte) '}');
    c.clear();
    return layout;
  }

  /** The layout of this key set, or null when two keys share a label name and must be merged. */
  private Layout layout(Collector c) {
    List<String> keyNames = new ArrayList<>(c.size);
    for (int i = 0; i < c.size; i++) {
      keyNames.add(c.keys[i].getKey());
    }
    Layout cached = layouts.get(keyNames);
    if (cached != null) {
      return cached.merged ? null : cached;
    }
    if (layouts.size() >= MAX_LAYOUTS) {
      layouts.clear();
    }
    Layout layout = new Layout(keyNames, names);
    layouts.put(keyNames, layout);
    return layout.merged ? null : layout;
  }

  /** The general form: also merges keys that sanitize to one label name, values joined by ';'. */
  private void writeLabelsSorted(ExpositionBuffer out, Attributes attributes, String extraName, String extraValue)
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
    out.write((byte) '{');
    boolean first = true;
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!first) {
        out.write((byte) ',');
      }
      first = false;
      out.ascii(e.getKey());
      out.ascii("=\"");
      out.escaped(e.getValue(), true);
      out.write((byte) '"');
    }
    out.write((byte) '}');
  }

  /** Gathers one point's attributes (in key order) without a lambda or map per point. */
  private static final class Collector implements java.util.function.BiConsumer<AttributeKey<?>, Object> {
    AttributeKey<?>[] keys = new AttributeKey<?>[16];
    Object[] values = new Object[16];
    int size;

    @Override
    public void accept(AttributeKey<?> key, Object value) {
      if (size == keys.length) {
        keys = java.util.Arrays.copyOf(keys, size * 2);
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size] = value;
      size++;
    }

    void clear() {
      java.util.Arrays.fill(values, 0, size, null);
      java.util.Arrays.fill(keys, 0, size, null);
      size = 0;
    }
  }

  /** For one key set: the order of its labels by label name, and each label's encoded {@code ,name="}. */
  private static final class Layout {
    final String[] keyNames;
    final int[] order;
    final byte[][] prefixes;
    /** Each label's encoded {@code name="}, without the separator before it. */
    final byte[][] bare;
    final boolean merged;

    Layout(List<String> keys, PrometheusNames names) {
      keyNames = keys.toArray(new String[0]);
      String[] labels = new String[keyNames.length];
      Integer[] idx = new Integer[keyNames.length];
      for (int i = 0; i < keyNames.length; i++) {
        labels[i] = names.label(keyNames[i]);
        idx[i] = i;
      }
      java.util.Arrays.sort(idx, (a, b) -> labels[a].compareTo(labels[b]));
      boolean dup = false;
      order = new int[idx.length];
      prefixes = new byte[idx.length][];
      bare = new byte[idx.length][];
      for (int i = 0; i < idx.length; i++) {
        order[i] = idx[i];
        dup |= i > 0 && labels[idx[i]].equals(labels[idx[i - 1]]);
        prefixes[i] = ((i == 0 ? "{" : ",") + labels[idx[i]] + "=\"").getBytes(StandardCharsets.UTF_8);
        bare[i] = (labels[idx[i]] + "=\"").getBytes(StandardCharsets.UTF_8);
      }
      merged = dup;
    }

    boolean matches(AttributeKey<?>[] keys, int size) {
      if (size != keyNames.length) {
        return false;
      }
      for (int i = 0; i < size; i++) {
        // Key names are usually the same instances (interned literals, cached keys).
        String k = keys[i].getKey();
        if (k != keyNames[i] && !k.equals(keyNames[i])) {
          return false;
        }
      }
      return true;
    }
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
