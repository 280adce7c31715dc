package io.kubestate.source;

import io.kubestate.expr.Projection;
import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects of one kind the collections read, each kept as the plain map the families evaluate,
 * projected to what they read, and indexed by namespace so that a config scoped to one namespace
 * walks only that namespace's objects.
 */
final class KindCache {
  /** Namespace ("" for cluster-scoped objects), then name. */
  private final Map<String, Map<String, Map<String, Object>>> objects = new ConcurrentHashMap<>();
  private final Collection<Map<String, Object>> allObjects = new AllObjects();
  private final Projection projection;
  private volatile Map<String, Projection> scoped = Map.of();

  KindCache(Projection projection) {
    this.projection = projection;
  }

  /** Keeps of the objects of these namespaces what they read beyond the projection; returns what was kept before. */
  Map<String, Projection> scope(Map<String, Projection> byNamespace) {
    Map<String, Projection> before = scoped;
    scoped = Map.copyOf(byNamespace);
    return before;
  }

  /** Whether objects of the namespace are cached that lack fields {@code wanted} reads, under {@code before}. */
  boolean lacks(Map<String, Projection> before, String namespace, Projection wanted) {
    return !before.getOrDefault(namespace, projection).covers(wanted) && objects.containsKey(namespace);
  }

  private Projection projection(String namespace) {
    return scoped.getOrDefault(namespace, projection);
  }

  /** Caches an object, projected; true when it was not cached before. */
  boolean put(String namespace, String name, Map<String, Object> whole) {
    // Projected inside the entry's lock: a refill of the namespace for a wider projection
    // then never loses to a copy made with the narrower one.
    boolean[] added = new boolean[1];
    objects.computeIfAbsent(namespace, k -> new ConcurrentHashMap<>()).compute(name, (k, old) -> {
      added[0] = old == null;
      return projection(namespace).apply(whole);
    });
    return added[0];
  }

  boolean holds(String namespace) {
    return objects.containsKey(namespace);
  }

  /** Projects a cached object again from {@code whole}; false when it is not cached. */
  boolean refill(String namespace, String name, Map<String, Object> whole) {
    Map<String, Map<String, Object>> in = objects.get(namespace);
    return in != null && in.computeIfPresent(name, (k, old) -> projection(namespace).apply(whole)) != null;
  }

  /** True when the object was cached. */
  boolean forget(String namespace, String name) {
    Map<String, Map<String, Object>> in = objects.get(namespace);
    return in != null && in.remove(name) != null;
  }

  Collection<Map<String, Object>> all() {
    return allObjects;
  }

  /** The objects of one namespace; none of a cluster-scoped kind, whose objects have no namespace. */
  Collection<Map<String, Object>> in(String namespace) {
    Map<String, Map<String, Object>> in = namespace.isEmpty() ? null : objects.get(namespace);
    return in == null ? List.of() : in.values();
  }

  void clear() {
    objects.clear();
  }

  /** Every cached object, namespace after namespace; walked at every collection, so without streams. */
  private final class AllObjects extends AbstractCollection<Map<String, Object>> {
    @Override
    public Iterator<Map<String, Object>> iterator() {
      Iterator<Map<String, Map<String, Object>>> namespaces = objects.values().iterator();
      return new Iterator<>() {
        private Iterator<Map<String, Object>> in = Collections.emptyIterator();

        @Override
        public boolean hasNext() {
          while (!in.hasNext() && namespaces.hasNext()) {
            in = namespaces.next().values().iterator();
          }
          return in.hasNext();
        }

        @Override
        public Map<String, Object> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return in.next();
        }
      };
    }

    @Override
    public int size() {
      int n = 0;
      for (Map<String, Map<String, Object>> in : objects.values()) {
        n += in.size();
      }
      return n;
    }
  }
}
