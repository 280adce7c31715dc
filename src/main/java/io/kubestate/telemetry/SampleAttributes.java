package io.kubestate.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;

/**
 * The attributes of one state sample, built once while the sample stays the same and handed to
 * the SDK as the same instance at every collection. The SDK keeps that instance as the series key
 * and puts it on the series' points, so the Prometheus writer finds here the label text it
 * rendered for the series at an earlier scrape instead of sanitizing, sorting and escaping the
 * labels again for every point; and an export with a Resource per object finds the object and the
 * attributes left for the point. Everything else is the wrapped attributes'.
 */
final class SampleAttributes implements Attributes {
  /** Stands for "describes no single object" once that has been found out. */
  private static final Object NO_OBJECT = new Object();

  private final Attributes attributes;
  /**
   * Kept here: the SDK hashes these attributes at every collection, and the wrapped ones live
   * elsewhere in memory. Mixed from the keys and values rather than taken from the wrapped
   * attributes, whose hash adds the strings' hashes linearly: names and namespaces that count up
   * ({@code build-1a} in {@code team-3}) gave one series in ten a hash shared with another of its
   * family, and each lookup of such a series in the SDK's storage compares attributes element by
   * element.
   */
  private final int hash;
  /** Values cut to the attribute length limit to build these attributes, counted at every collection. */
  final int truncated;
  /** {@code {name="value",...}} as the Prometheus writer renders these attributes; null until it does. */
  byte[] labels;
  /** Null when the family's samples describe no single object. */
  private final ObjectIdentity identity;
  /** An {@link ObjectIdentity.ObjectPoint} or {@link #NO_OBJECT}; null until an export asks. */
  private Object objectPoint;

  SampleAttributes(Attributes attributes, int truncated, ObjectIdentity identity) {
    this.attributes = attributes;
    this.hash = ContentHash.of(attributes);
    this.truncated = truncated;
    this.identity = identity;
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
      ObjectIdentity.ObjectPoint made = identity == null ? null : identity.split(attributes, canonical);
      p = made == null ? NO_OBJECT : made;
      // Two exporters may work it out at once: they find the same, and the point's fields are final.
      objectPoint = p;
    }
    return p == NO_OBJECT ? null : (ObjectIdentity.ObjectPoint) p;
  }

  @Override
  public <T> T get(AttributeKey<T> key) {
    return attributes.get(key);
  }

  @Override
  public void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
    attributes.forEach(consumer);
  }

  @Override
  public int size() {
    return attributes.size();
  }

  @Override
  public boolean isEmpty() {
    return attributes.isEmpty();
  }

  @Override
  public Map<AttributeKey<?>, Object> asMap() {
    return attributes.asMap();
  }

  @Override
  public AttributesBuilder toBuilder() {
    return attributes.toBuilder();
  }

  /** Equal to the same attributes of another sample; never to other kinds of attributes, so that equality stays symmetric. */
  @Override
  public boolean equals(Object o) {
    return o == this || o instanceof SampleAttributes s && s.hash == hash && attributes.equals(s.attributes);
  }

  @Override
  public int hashCode() {
    return hash;
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

  @Override
  public String toString() {
    return attributes.toString();
  }
}
