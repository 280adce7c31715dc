package io.kubestate.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels of a point in the Prometheus exposition: sanitized names, sorted, values escaped.
 * Their order and encoded names are worked out once per set of keys (for a state sample, once per
 * family), so that only the values are written per point.
 */
final class PrometheusLabels {
  /** Label layouts kept; configs produce a few per family, so this is only a bound against odd data. */
  private static final int MAX_LAYOUTS = 4096;

  private final PrometheusNames names;
  private final Map<List<String>, Layout> layouts = new HashMap<>();
  private final Collector collector = new Collector();

  PrometheusLabels(PrometheusNames names) {
    this.names = names;
  }

  /**
   * The labels of a state sample from its family's layout, whose label names and their order are
   * worked out once per family; false when the sample has another shape, or two of its keys share
   * a label name.
   */
  boolean writeSample(ExpositionBuffer buf, SampleAttributes sample) throws IOException {
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

  /**
   * Labels ordered by label name. The points of one family nearly always carry the same keys, so the
   * order and the encoded names are looked up once per key set ({@code last} is the previous
   * point's) and only the values are written per point.
   */
  Layout write(ExpositionBuffer out, Attributes attributes, Layout last) throws IOException {
    if (attributes.isEmpty()) {
      return last;
    }
    Collector c = collector;
    c.size = 0;
    attributes.forEach(c);
    Layout layout = last != null && last.matches(c.keys, c.size) ? last : layout(c);
    if (layout == null) {
      c.clear();
      writeSorted(out, attributes, null, null);
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
  void writeSorted(ExpositionBuffer out, Attributes attributes, String extraName, String extraValue)
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
  static final class Layout {
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
}
