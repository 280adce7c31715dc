package io.kubestate.telemetry;

import io.kubestate.expr.CompiledFamily;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.List;
import java.util.Locale;

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
    AttributeKey<String> name = AttributeKey.stringKey(prefix + "name");
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
   */
  ObjectPoint split(Attributes attributes) {
    String objectName = attributes.get(name);
    if (objectName == null) {
      return null;
    }
    ObjectKey key = new ObjectKey(name.getKey(), namespace == null ? null : attributes.get(namespace), objectName);
    Attributes rest = attributes.toBuilder().removeIf(k -> k.equals(name) || k.equals(namespace) || k.equals(uid))
        .build();
    return new ObjectPoint(key, uid == null ? null : uid.getKey(), uid == null ? null : attributes.get(uid), rest);
  }

  /**
   * One object: the key of its name attribute ({@code k8s.<kind>.name}, which tells the kinds
   * apart), its namespace (null when cluster-scoped or not known) and its name.
   */
  record ObjectKey(String nameKey, String namespace, String name) {}

  /**
   * What a sample's point becomes under its object's Resource.
   *
   * @param uidKey {@code k8s.<kind>.uid}, or null when the family does not carry it
   * @param uid the object's uid, or null
   * @param rest the sample's attributes without the identity
   */
  record ObjectPoint(ObjectKey object, String uidKey, String uid, Attributes rest) {}
}
