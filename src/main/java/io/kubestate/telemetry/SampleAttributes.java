package io.kubestate.telemetry;

import io.kubestate.expr.CompiledFamily;
import io.kubestate.expr.Sample;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * One state sample as the memo keeps it, and its attributes: built when a family produces it, kept
 * while its object stays the same (taking the new value when a new evaluation gives the same
 * attributes), and handed to the SDK as the same instance at every collection, which its storage
 * keeps as the series key. One object, because one per series is most of what a series costs.
 *
 * <p>In the common case (no attributes beyond the family's own, none cut to the length limit) it
 * holds no copy of anything: the attribute values are the sample's own array, in the family's key
 * order, and the keys, their order and how the Prometheus writer labels them are the family's
 * {@link Layout}. Other samples (a config scoped to a namespace, kube-state-metrics labels, a value
 * cut short) wrap attributes built the usual way. Either way the attributes iterate in key order,
 * as the SDK's own do.
 */
final class SampleAttributes extends Sample implements Attributes {
  /** Stands for "describes no single object" once that has been found out. */
  private static final Object NO_OBJECT = new Object();

  private final Layout layout;
  /** Null when the attributes are a view of the sample's values. */
  private final Attributes whole;
  /** Kept for comparing with a new evaluation; null when there are none. */
  private final String[] extra;
  /**
   * Kept here: the SDK hashes these attributes at every collection. Mixed from the keys and values
   * rather than taken as the SDK's attributes take it, which adds the strings' hashes linearly:
   * names and namespaces that count up ({@code build-1a} in {@code team-3}) gave one series in ten
   * a hash shared with another of its family, and each lookup of such a series in the SDK's
   * storage compares attributes element by element.
   */
  private final int hash;
  /**
   * The number of attributes (16 bits), the values cut to the attribute length limit (15 bits) and
   * whether every value is plain (the sign bit): one field, which keeps the object at 56 bytes.
   */
  private final int counts;
  /** An {@link ObjectIdentity.ObjectPoint} or {@link #NO_OBJECT}; null until an export asks. */
  private Object objectPoint;

  private SampleAttributes(CompiledFamily family, String[] values, String[] extra, double value, Layout layout,
      Attributes whole, int truncated) {
    super(family, values, value);
    this.layout = layout;
    this.whole = whole;
    this.extra = extra;
    int size = whole != null ? whole.size() : present(values);
    boolean plain = whole == null && plain(values);
    this.counts = Math.min(size, 0xffff) | Math.min(truncated, 0x7fff) << 16 | (plain ? 1 << 31 : 0);
    this.hash = ContentHash.of(this);
  }

  /** A view of {@code values}, which must not change afterwards. */
  static SampleAttributes of(CompiledFamily family, String[] values, double value, Layout layout) {
    return new SampleAttributes(family, values, null, value, layout, null, 0);
  }

  /** The sample of {@code values} and {@code extra}, with attributes built the usual way. */
  static SampleAttributes wrapping(CompiledFamily family, String[] values, String[] extra, double value,
      Layout layout, Attributes attributes, int truncated) {
    return new SampleAttributes(family, values, extra, value, layout, attributes, truncated);
  }

  /** This sample with the value of a new evaluation that gave the same attributes. */
  SampleAttributes revalue(double value) {
    value(value);
    return this;
  }

  @Override
  public String[] extra() {
    return extra;
  }

  /** Values cut to the attribute length limit to build these attributes, counted at every collection. */
  int truncated() {
    return (counts >>> 16) & 0x7fff;
  }

  /** Every value is ASCII with nothing to escape in a Prometheus label: the writer copies them as they are. */
  boolean plain() {
    return counts < 0;
  }

  private static int present(String[] values) {
    int n = 0;
    for (String v : values) {
      n += v == null ? 0 : 1;
    }
    return n;
  }

  private static boolean plain(String[] values) {
    for (String v : values) {
      if (v != null && !ExpositionBuffer.isPlain(v)) {
        return false;
      }
    }
    return true;
  }

  /** The values in the order of the family's layout; null when these attributes are of another shape. */
  String[] layoutValues() {
    return whole == null ? values() : null;
  }

  Layout layout() {
    return layout;
  }

  /**
   * The object this sample describes and the attributes left for its point, or null when it
   * describes none; worked out at the first export that asks, and kept while the sample is the same.
   *
   * @param canonical the instance of an equal object key already in use, if there is one
   */
  ObjectIdentity.ObjectPoint objectPoint(UnaryOperator<ObjectIdentity.ObjectKey> canonical) {
    Object p = objectPoint;
    if (p == null) {
      ObjectIdentity identity = layout.identity;
      ObjectIdentity.ObjectPoint made = identity == null ? null : identity.split(this, canonical);
      p = made == null ? NO_OBJECT : made;
      // Two exporters may work it out at once: they find the same, and the point's fields are final.
      objectPoint = p;
    }
    return p == NO_OBJECT ? null : (ObjectIdentity.ObjectPoint) p;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(AttributeKey<T> key) {
    if (whole != null) {
      return whole.get(key);
    }
    String[] values = values();
    AttributeKey<String>[] keys = layout.keys;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return (T) values[i];
      }
    }
    return null;
  }

  @Override
  public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
    if (whole != null) {
      whole.forEach(consumer);
      return;
    }
    String[] values = values();
    AttributeKey<String>[] keys = layout.keys;
    for (int i : layout.keyOrder) {
      String v = values[i];
      if (v != null) {
        consumer.accept(keys[i], v);
      }
    }
  }

  @Override
  public int size() {
    return counts & 0xffff;
  }

  @Override
  public boolean isEmpty() {
    return size() == 0;
  }

  @Override
  public Map<AttributeKey<?>, Object> asMap() {
    if (whole != null) {
      return whole.asMap();
    }
    Map<AttributeKey<?>, Object> out = new LinkedHashMap<>();
    forEach(out::put);
    return java.util.Collections.unmodifiableMap(out);
  }

  @Override
  public AttributesBuilder toBuilder() {
    if (whole != null) {
      return whole.toBuilder();
    }
    AttributesBuilder b = Attributes.builder();
    forEach((k, v) -> b.put(k.getKey(), (String) v));
    return b;
  }

  /** Equal to the same attributes of another sample; never to other kinds of attributes, so that equality stays symmetric. */
  @Override
  public boolean equals(Object o) {
    if (o == this) {
      return true;
    }
    if (!(o instanceof SampleAttributes s) || s.hash != hash || s.size() != size()) {
      return false;
    }
    if (whole == null && s.whole == null && s.layout.keys == layout.keys) {
      return Arrays.equals(values(), s.values());
    }
    return asMap().equals(s.asMap());
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return whole != null ? whole.toString() : asMap().toString();
  }

  /**
   * What the samples of one family share: the attribute keys in the family's order, their order by
   * key, the family's object identity, and what the Prometheus writer worked out for these keys.
   */
  static final class Layout {
    final AttributeKey<String>[] keys;
    /** Indexes into {@link #keys}, by key. */
    final int[] keyOrder;
    /** Null when the family's samples describe no single object. */
    final ObjectIdentity identity;
    /** The Prometheus writer's form of these keys; set by the writer at its first use. */
    volatile Object labels;

    @SuppressWarnings("unchecked")
    Layout(List<String> keyNames, ObjectIdentity identity) {
      this.keys = keyNames.stream().map(AttributeKey::stringKey).toArray(AttributeKey[]::new);
      this.keyOrder = java.util.stream.IntStream.range(0, keyNames.size()).boxed()
          .sorted((a, b) -> keyNames.get(a).compareTo(keyNames.get(b))).mapToInt(Integer::intValue).toArray();
      this.identity = identity;
    }
  }

  /** A MurmurHash3-style mix over every key and value, in key order. */
  private static final class ContentHash implements BiConsumer<AttributeKey<?>, Object> {
    private int h = 0x9747b28c;
    private int n;

    static int of(Attributes attributes) {
      ContentHash c = new ContentHash();
      attributes.forEach(c);
      return c.finish();
    }

    @Override
    public void accept(AttributeKey<?> key, Object value) {
      add(key.getKey().hashCode());
      add(value.hashCode());
    }

    private void add(int k) {
      k *= 0xcc9e2d51;
      k = Integer.rotateLeft(k, 15);
      k *= 0x1b873593;
      h ^= k;
      h = Integer.rotateLeft(h, 13);
      h = h * 5 + 0xe6546b64;
      n++;
    }

    private int finish() {
      int f = h ^ n;
      f ^= f >>> 16;
      f *= 0x85ebca6b;
      f ^= f >>> 13;
      f *= 0xc2b2ae35;
      f ^= f >>> 16;
      return f;
    }
  }
}
