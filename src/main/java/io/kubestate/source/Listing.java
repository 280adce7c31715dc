package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Watcher.Action;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The objects one list of a collection has given so far, in pages or as the events of a streaming
 * list; the latter end at the bookmark the API server marks as the end of them, and until then the
 * watch's versions are not resumed from, as the list is not complete.
 */
final class Listing {
  static final String END = "k8s.io/initial-events-end";

  private final Set<String> seen = new HashSet<>();
  private final ObjectVersions versions;
  /** Why the collection is read (null for the first list), for a retry if the stream breaks. */
  final String reason;

  Listing(ObjectVersions versions, String reason) {
    this.versions = versions;
    this.reason = reason;
  }

  /** Takes one object of a page. */
  void add(GenericKubernetesResource obj) {
    seen.add(Cache.metaNamespaceKeyFunc(obj));
    versions.apply(obj);
  }

  /** Takes one event of a streaming list; true when it is the bookmark that ends the list. */
  boolean accept(Action action, GenericKubernetesResource obj) {
    switch (action) {
      case ADDED, MODIFIED -> add(obj);
      case DELETED -> {
        seen.remove(Cache.metaNamespaceKeyFunc(obj));
        versions.delete(obj);
      }
      case BOOKMARK -> {
        Map<String, String> annotations = obj.getMetadata().getAnnotations();
        return annotations != null && "true".equals(annotations.get(END));
      }
      default -> { }
    }
    return false;
  }

  /** The keys of every object the list gave. */
  Set<String> seen() {
    return seen;
  }
}
