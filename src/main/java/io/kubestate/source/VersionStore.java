package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  private final Map<String, Version> items = new ConcurrentHashMap<>();

  @Override
  public String getKey(GenericKubernetesResource obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  @Override
  public GenericKubernetesResource put(String key, GenericKubernetesResource obj) {
    ObjectMeta m = obj.getMetadata();
    return stub(key, items.put(key, new Version(m.getUid(), m.getResourceVersion())));
  }

  @Override
  public GenericKubernetesResource remove(String key) {
    return stub(key, items.remove(key));
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<GenericKubernetesResource> values() {
    return items.entrySet().stream().map(e -> stub(e.getKey(), e.getValue()));
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public GenericKubernetesResource get(String key) {
    return stub(key, items.get(key));
  }

  @Override
  public boolean isFullState() {
    return false;
  }

  /** An object with only its identity and version, rebuilt from the key ({@code namespace/name} or {@code name}). */
  private static GenericKubernetesResource stub(String key, Version v) {
    if (v == null) {
      return null;
    }
    int slash = key.indexOf('/');
    ObjectMeta meta = new ObjectMeta();
    meta.setName(slash < 0 ? key : key.substring(slash + 1));
    meta.setNamespace(slash < 0 ? null : key.substring(0, slash));
    meta.setUid(v.uid());
    meta.setResourceVersion(v.resourceVersion());
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setMetadata(meta);
    return r;
  }
}
