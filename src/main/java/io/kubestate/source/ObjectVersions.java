package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The version each object was last received at, so that a list or an event tells the sink an
 * add, an update or a deletion, and an object received again unchanged tells it nothing. Only the
 * uid and resourceVersion are kept: the cache the families read holds the rest.
 */
final class ObjectVersions {
  private record Version(String uid, String resourceVersion) {}

  /**
   * By namespace ("" for a cluster-scoped object), then by name: a map keyed by
   * {@code namespace/name} would hold one more string per object (about 100 bytes at 100,000
   * objects) where these keys are strings the object's metadata holds anyway.
   */
  private final Map<String, Map<String, Version>> items = new ConcurrentHashMap<>();
  private final ListWatch.Sink sink;

  ObjectVersions(ListWatch.Sink sink) {
    this.sink = sink;
  }

  /** The received version of an object, or null when it is not known. */
  String version(GenericKubernetesResource obj) {
    Map<String, Version> in = items.get(namespace(obj.getMetadata()));
    Version v = in == null ? null : in.get(obj.getMetadata().getName());
    return v == null ? null : v.resourceVersion();
  }

  void apply(GenericKubernetesResource obj) {
    ObjectMeta m = obj.getMetadata();
    Version now = new Version(m.getUid(), m.getResourceVersion());
    Version old = items.computeIfAbsent(namespace(m), ns -> new ConcurrentHashMap<>()).put(m.getName(), now);
    if (old == null) {
      sink.added(obj);
    } else if (!old.equals(now)) {
      sink.updated(obj);
    }
  }

  void delete(GenericKubernetesResource obj) {
    Map<String, Version> in = items.get(namespace(obj.getMetadata()));
    if (in != null) {
      // An emptied namespace keeps its map: namespaces are few, and removing it would race with an add.
      in.remove(obj.getMetadata().getName());
    }
    sink.deleted(obj);
  }

  /**
   * After a full list, whose objects' keys ({@link Cache#metaNamespaceKeyFunc}) are {@code listed}:
   * every object it did not hold was deleted meanwhile.
   */
  void keepOnly(Set<String> listed) {
    List<GenericKubernetesResource> vanished = new ArrayList<>();
    items.forEach((ns, in) -> in.forEach((name, v) -> {
      if (!listed.contains(ns.isEmpty() ? name : ns + "/" + name)) {
        vanished.add(stub(ns, name, v));
      }
    }));
    for (GenericKubernetesResource gone : vanished) {
      Map<String, Version> in = items.get(namespace(gone.getMetadata()));
      if (in != null && in.remove(gone.getMetadata().getName()) != null) {
        sink.deleted(gone);
      }
    }
  }

  private static String namespace(ObjectMeta m) {
    return m.getNamespace() == null ? "" : m.getNamespace();
  }

  /** An object with only its identity and version: what the sink reads of a deleted object. */
  private static GenericKubernetesResource stub(String namespace, String name, Version v) {
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(namespace.isEmpty() ? null : namespace);
    meta.setUid(v.uid());
    meta.setResourceVersion(v.resourceVersion());
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setMetadata(meta);
    return r;
  }
}
