package io.kubestate.expr;

import io.kubestate.config.ResourceConfig;
import java.util.List;

/**
 * What to watch for a group of families: a kind, its candidate versions in order of preference,
 * and an optional label selector. Families with the same target share one informer.
 */
public record WatchTarget(String group, List<String> versions, String kind, String plural, String labelSelector) {

  public WatchTarget {
    versions = List.copyOf(versions);
  }

  /** What a resource of a config asks to watch. */
  public static WatchTarget of(ResourceConfig r) {
    return new WatchTarget(r.group(), r.versions(), r.kind(), r.plural(), r.labelSelector());
  }

  public String apiVersion(String version) {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The same kind without the label selector: every object of it. */
  public WatchTarget unselected() {
    return labelSelector == null ? this : new WatchTarget(group, versions, kind, plural, null);
  }

  /** Whether an object with this apiVersion and kind belongs to the target. */
  public boolean accepts(String apiVersion, String objectKind) {
    if (!kind.equals(objectKind) || apiVersion == null) {
      return false;
    }
    for (String v : versions) {
      if (apiVersion(v).equals(apiVersion)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return (group.isEmpty() ? "" : group + "/") + String.join("|", versions) + " " + kind
        + (labelSelector == null ? "" : " [" + labelSelector + "]");
  }
}
