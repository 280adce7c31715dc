package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The version each object was last received at, so that a list or an event tells the sink an
 * add, an update or a deletion, and an object received again unchanged tells it nothing.
 */
final class ObjectVersions {
  private final VersionStore versions = new VersionStore();
  private final ListWatch.Sink sink;

  ObjectVersions(ListWatch.Sink sink) {
    this.sink = sink;
  }

  /** The received version of an object, or null when it is not known. */
  String version(GenericKubernetesResource obj) {
    GenericKubernetesResource known = versions.get(Cache.metaNamespaceKeyFunc(obj));
    return known == null ? null : known.getMetadata().getResourceVersion();
  }

  void apply(GenericKubernetesResource obj) {
    GenericKubernetesResource old = versions.put(versions.getKey(obj), obj);
    if (old == null) {
      sink.added(obj);
    } else if (!Objects.equals(old.getMetadata().getResourceVersion(), obj.getMetadata().getResourceVersion())
        || !Objects.equals(old.getMetadata().getUid(), obj.getMetadata().getUid())) {
      sink.updated(obj);
    }
  }

  void delete(GenericKubernetesResource obj) {
    versions.remove(versions.getKey(obj));
    sink.deleted(obj);
  }

  /** After a full list: every object it did not hold was deleted meanwhile. */
  void keepOnly(Set<String> listed) {
    List<String> vanished = versions.keySet().filter(k -> !listed.contains(k)).toList();
    for (String key : vanished) {
      GenericKubernetesResource stub = versions.remove(key);
      if (stub != null) {
        sink.deleted(stub);
      }
    }
  }
}
