package io.kubestate.testing;

import io.kubestate.expr.ObjectStore;
import io.kubestate.expr.WatchTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An {@link ObjectStore} a test changes while readers collect from it, standing in for the
 * informer cache: deletions between two exports are what the exporter sees when objects go away.
 */
public final class MutableObjectStore implements ObjectStore {
  private final Map<WatchTarget, List<Map<String, Object>>> byTarget = new ConcurrentHashMap<>();

  private MutableObjectStore() {}

  /** A store holding, for each target, the objects {@code source} holds for it. */
  public static MutableObjectStore copyOf(ObjectStore source, Collection<WatchTarget> targets) {
    MutableObjectStore store = new MutableObjectStore();
    for (WatchTarget t : targets) {
      List<Map<String, Object>> objects = store.byTarget.computeIfAbsent(t, k -> new CopyOnWriteArrayList<>());
      source.objects(t).forEach(objects::add);
    }
    return store;
  }

  @Override
  public Iterable<? extends Map<String, Object>> objects(WatchTarget target) {
    return byTarget.getOrDefault(target, List.of());
  }

  /** Removes the objects of {@code target} that match, and returns them. */
  public List<Map<String, Object>> remove(WatchTarget target, Predicate<Map<String, Object>> which) {
    List<Map<String, Object>> removed = new ArrayList<>();
    List<Map<String, Object>> objects = byTarget.get(target);
    if (objects != null) {
      objects.removeIf(o -> which.test(o) && removed.add(o));
    }
    return removed;
  }
}
