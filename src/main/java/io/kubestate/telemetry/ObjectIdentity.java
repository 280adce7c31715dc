package io.kubestate.telemetry;

import io.kubestate.expr.CompiledFamily;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Which attributes of a state family's samples name the object they describe: {@code
 * k8s.namespace.name}, {@code k8s.<kind>.name} and {@code k8s.<kind>.uid}, {@code <kind>} being
 * the lowercase kind the family is computed from, the keys the OpenTelemetry Collector's Kubernetes
 * receivers put on an object's Resource. A family has an identity only when it carries {@code
 * k8s.<kind>.name}; the namespace and the uid come along where the family has them. A family that
 * aggregates across objects describes no single object, and families in the kube-state-metrics
 * shape ({@code namespace}, {@code name}) keep those labels: they promise the exact names that
 * dashboards read, and {@code name} alone says nothing a backend could join on.
 *
 * @param namespace null for a cluster-scoped kind, a family without it, or the Namespace kind
 *     (whose name is {@code k8s.namespace.name})
 * @param uid null for a family without it
 */
record ObjectIdentity(AttributeKey<String> name, AttributeKey<String> namespace, AttributeKey<String> uid) {
  static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("k8s.namespace.name");

  /** The identity of {@code family}'s samples, computed from objects of {@code kind}; null when it has none. */
  static ObjectIdentity of(String kind, CompiledFamily family) {
    if (family.aggregate() != null) {
      return null;
    }
    String prefix = "k8s." + kind.toLowerCase(Locale.ROOT) + ".";
    List<String> keys = family.attributeKeys();
    // One instance per kind: every lookup of an object compares it, and the same instance compares at once.
    AttributeKey<String> name = AttributeKey.stringKey((prefix + "name").intern());
    if (!keys.contains(name.getKey())) {
      return null;
    }
    AttributeKey<String> namespace = !name.equals(NAMESPACE) && keys.contains(NAMESPACE.getKey()) ? NAMESPACE : null;
    AttributeKey<String> uid = keys.contains(prefix + "uid") ? AttributeKey.stringKey(prefix + "uid") : null;
    return new ObjectIdentity(name, namespace, uid);
  }

  /**
   * The object {@code attributes} describe, and the attributes left for its point; null when the
   * sample lacks the name (its path found nothing), which leaves it on the exporter's Resource.
   *
   * @param canonical the instance of an equal key already in use, for the key made here
   */
  ObjectPoint split(Attributes attributes, UnaryOperator<ObjectKey> canonical) {
    String objectName = attributes.get(name);
    if (objectName == null) {
      return null;
    }
    ObjectKey key = canonical.apply(
        new ObjectKey(name.getKey(), namespace == null ? null : attributes.get(namespace), objectName));
    Attributes rest = attributes.toBuilder().removeIf(k -> k.equals(name) || k.equals(namespace) || k.equals(uid))
        .build();
    return new ObjectPoint(key, uid == null ? null : uid.getKey(), uid == null ? null : attributes.get(uid), rest);
  }

  /**
   * One object: the key of its name attribute ({@code k8s.<kind>.name}, which tells the kinds
   * apart), its namespace (null when cluster-scoped or not known) and its name. Not a record: a
   * record's hash, 31 times one string's plus the next's, collides all over for names that differ
   * only in a few characters, as generated names do, and an export looks up every point's object.
   */
  static final class ObjectKey {
    private final String nameKey;
    private final String namespace;
    private final String name;
    private final int hash;

    ObjectKey(String nameKey, String namespace, String name) {
      this.nameKey = nameKey;
      this.namespace = namespace;
      this.name = name;
      int h = (namespace == null ? 0 : namespace.hashCode()) * 0x9E3779B1 + name.hashCode();
      this.hash = (h ^ (h >>> 15)) * 0x85EBCA6B + nameKey.hashCode();
    }

    String nameKey() {
      return nameKey;
    }

    String namespace() {
      return namespace;
    }

    String name() {
      return name;
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof ObjectKey k && k.hash == hash && k.nameKey.equals(nameKey)
          && k.name.equals(name) && Objects.equals(k.namespace, namespace);
    }

    @Override
    public String toString() {
      return nameKey + "=" + (namespace == null ? "" : namespace + "/") + name;
    }
  }

  /**
   * What a sample's point becomes under its object's Resource.
   *
   * @param uidKey {@code k8s.<kind>.uid}, or null when the family does not carry it
   * @param uid the object's uid, or null
   * @param rest the sample's attributes without the identity
   */
  record ObjectPoint(ObjectKey object, String uidKey, String uid, Attributes rest) {}
}
