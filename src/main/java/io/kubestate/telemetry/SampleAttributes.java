package io.kubestate.telemetry;

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
 * The attributes of one state sample, built once while the sample stays the same and handed to
 * the SDK as the same instance at every collection, which its storage keeps as the series key.
 *
 * <p>One such object per series is most of what a series costs, so in the common case (no
 * attributes beyond the family's own, none cut to the length limit) it holds no copy of anything:
 * the values are the sample's own array, in the family's key order, and the keys, their order and
 * how the Prometheus writer labels them are the family's {@link Layout}. Other samples (a config
 * scoped to a namespace, kube-state-metrics labels, a value cut short) wrap attributes built the
 * usual way. Either way the attributes iterate in key order, as the SDK's own do.
 */
final class SampleAttributes implements Attributes {
  /** Stands for "describes no single object" once that has been found out. */
  private static final Object NO_OBJECT = new Object();

  private final Layout layout;
  /** In the layout's key order, null for an absent attribute; null when {@link #whole} holds them. */
  private final String[] values;
  private final Attributes whole;
  /**
   * Kept here: the SDK hashes these attributes at every collection. Mixed from the keys and values
   * rather than taken as the SDK's attributes take it, which adds the strings' hashes linearly:
   * names and namespaces that count up ({@code build-1a} in {@code team-3}) gave one series in ten
   * a hash shared with another of its family, and each lookup of such a series in the SDK's
   * storage compares attributes element by element.
   */
  private final int hash;
  private final short size;
  /** Values cut to the attribute length limit to build these attributes, counted at every collection. */
  final short truncated;
  /** Every value is ASCII with nothing to escape in a Prometheus label: the writer copies them as they are. */
  final boolean plain;
  /** An {@link ObjectIdentity.ObjectPoint} or {@link #NO_OBJECT}; null until an export asks. */
  private Object objectPoint;

  private SampleAttributes(Layout layout, String[] values, Attributes whole, int size, int truncated) {
    this.layout = layout;
    this.values = values;
    this.whole = whole;
    this.size = (short) size;
    this.truncated = (short) Math.min(truncated, Short.MAX_VALUE);
    this.plain = values != null && plain(values);
    this.hash = ContentHash.of(this);
  }

  private static boolean plain(String[] values) {
    for (String v : values) {
      if (v != null && !ExpositionBuffer.isPlain(v)) {
        return false;
      }
    }
    return true;
  }

  /** Over {@code values} itself, which must not change afterwards. */
  static SampleAttributes of(Layout layout, String[] values) {
    int size = 0;
    for (String v : values) {
      size += v == null ? 0 : 1;
    }
    return new SampleAttributes(layout, values, null, size, 0);
  }

  static SampleAttributes wrapping(Layout layout, Attributes attributes, int truncated) {
    return new SampleAttributes(layout, null, attributes, attributes.size(), truncated);
  }

  /** The family's layout, and the values in its order; null when these attributes are of another shape. */
  String[] layoutValues() {
    return values;
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
    if (values == null) {
      return whole.get(key);
    }
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
    if (values == null) {
      whole.forEach(consumer);
      return;
    }
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
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public Map<AttributeKey<?>, Object> asMap() {
    if (values == null) {
      return whole.asMap();
    }
    Map<AttributeKey<?>, Object> out = new LinkedHashMap<>();
    forEach(out::put);
    return java.util.Collections.unmodifiableMap(out);
  }

  @Override
  public AttributesBuilder toBuilder() {
    if (values == null) {
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
    if (!(o instanceof SampleAttributes s) || s.hash != hash || s.size != size) {
      return false;
    }
    if (values != null && s.values != null && s.layout.keys == layout.keys) {
      return Arrays.equals(values, s.values);
    }
    return asMap().equals(s.asMap());
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return values == null ? whole.toString() : asMap().toString();
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
