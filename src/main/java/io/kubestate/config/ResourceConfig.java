package io.kubestate.config;

import java.util.List;

/**
 * One Kubernetes kind and the metric families computed from its objects.
 *
 * @param versions candidate versions in order of preference; the first one the API serves is watched
 * @param plural the resource name in URLs, or null to learn it from API discovery
 * @param labelSelector a Kubernetes label selector restricting the watched objects, or null
 * @param attributes attributes put on every family of this kind, evaluated against the object root
 * @param attributesFrom maps on the object whose entries become attributes of every family
 */
public record ResourceConfig(
    String group,
    List<String> versions,
    String kind,
    String plural,
    String labelSelector,
    List<AttributeConfig> attributes,
    List<AttributeSpread> attributesFrom,
    List<FamilyConfig> families,
    Position position) {

  /** The version or kind that stands for every one served. */
  public static final String ANY = "*";

  public ResourceConfig {
    versions = List.copyOf(versions);
    attributes = List.copyOf(attributes);
    attributesFrom = List.copyOf(attributesFrom);
    families = List.copyOf(families);
  }

  /** Whether it names a kind and a version to watch; a config with a resource that does not is invalid. */
  public boolean complete() {
    return !kind.isEmpty() && !versions.isEmpty();
  }

  /** {@code group/kind} for messages, with the core group shown as {@code core}. */
  public String groupKind() {
    return (group.isEmpty() ? "core" : group) + "/" + kind;
  }

  public String apiVersion(String version) {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** Whether the version or the kind is {@code "*"}: the entry stands for every served kind that fits. */
  public boolean wildcard() {
    return ANY.equals(kind) || versions.contains(ANY);
  }

  /** Whether a served kind of this entry's group fits its version and kind. */
  public boolean matches(ServedKind k) {
    return group.equals(k.group()) && (ANY.equals(kind) || kind.equals(k.kind()))
        && (versions.contains(ANY) || versions.contains(k.version()));
  }

  /** Whether the entry is a kube-state-metrics one, whose families keep kube-state-metrics' rules. */
  public boolean compat() {
    return families.stream().anyMatch(f -> f.compat() != null);
  }

  /** {@code group/version kind} as written, for messages and the self-metric of a wildcard. */
  public String pattern() {
    return apiVersion(String.join("|", versions)) + " " + kind;
  }
}
