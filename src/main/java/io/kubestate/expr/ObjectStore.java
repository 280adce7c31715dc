package io.kubestate.expr;

import java.util.Map;

/**
 * The current objects of each watch target, as plain maps (the shape Jackson gives an
 * unstructured object). Implemented by the informer cache and by the file source of {@code render}.
 */
@FunctionalInterface
public interface ObjectStore {

  /** A view to iterate once per collection; it must tolerate concurrent updates. */
  Iterable<? extends Map<String, Object>> objects(WatchTarget target);
}
