package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The informer's own store, cut to what the informer needs: per key, the object's uid and
 * resourceVersion. fabric8 keeps whole objects there by default, a second copy of every object
 * beside the cache the families read. With it the informer still tells adds, updates (a new
 * resourceVersion) and deletes apart, computes the deletions of a relist, and tells the handlers
 * of a deleted object by name, namespace and uid, which is all they read of it.
 *
 * <p>Not a full-state store: fabric8 then hands each object of the initial list to the handlers
 * as its page arrives instead of holding the whole list until the end.
 */
final class VersionStore implements ItemStore<GenericKubernetesResource> {
  private record Version(String uid, String resourceVersion) {}

  /**
   * By namespace ("" for a cluster-scoped object), then by name: the informer's keys are
   * {@code namespace/name}, and a map keyed by them would hold one more string per object (about
   * 100 bytes at 100,000 objects) where these keys are strings the object's metadata holds anyway.
   */
  private final Map<String, Map<String, Version>> items = new ConcurrentHashMap<>();
  private final AtomicInteger size = new AtomicInteger();

  @Override
  public String getKey(GenericKubernetesResource obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
    ObjectMeta m = obj.getMetadata();
    String namespace = m.getNamespace() == null ? "" : m.getNamespace();
    Version old = items.computeIfAbsent(namespace, ns -> new ConcurrentHashMap<>())
        .put(m.getName(), new Version(m.getUid(), m.getResourceVersion()));
    if (old == null) {
      size.incrementAndGet();
    }
    return stub(namespace, m.getName(), old);
  }

  @Override
  public GenericKubernetesResource remove(String key) {
    int slash = key.indexOf('/');
    String namespace = slash < 0 ? "" : key.substring(0, slash);
    String name = key.substring(slash + 1);
    Map<String, Version> in = items.get(namespace);
    Version old = in == null ? null : in.remove(name);
    if (old != null) {
      size.decrementAndGet();
    }
    // An emptied namespace keeps its map: namespaces are few, and removing it would race with a put.
    return stub(namespace, name, old);
  }

  @Override
  public Stream<String> keySet() {
    return items.entrySet().stream().flatMap(ns -> ns.getValue().keySet().stream()
        .map(name -> ns.getKey().isEmpty() ? name : ns.getKey() + "/" + name));
  }

  @Override
  public Stream<GenericKubernetesResource> values() {
    return items.entrySet().stream().flatMap(ns -> ns.getValue().entrySet().stream()
        .map(e -> stub(ns.getKey(), e.getKey(), e.getValue())));
  }

  @Override
  public int size() {
    return size.get();
  }

  @Override
  public GenericKubernetesResource get(String key) {
    int slash = key.indexOf('/');
    String namespace = slash < 0 ? "" : key.substring(0, slash);
    Map<String, Version> in = items.get(namespace);
    String name = key.substring(slash + 1);
    return stub(namespace, name, in == null ? null : in.get(name));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  /** An object with only its identity and version. */
  private static GenericKubernetesResource stub(String namespace, String name, Version v) {
    if (v == null) {
      return null;
    }
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
