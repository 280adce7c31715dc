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
}
