package io.kubestate.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The current objects of each watch target, as plain maps (the shape Jackson gives an
 * unstructured object). Implemented by the informer cache and by the file source of {@code render}.
 */
@FunctionalInterface
public interface ObjectStore {

  /** A view to iterate once per collection; it must tolerate concurrent updates. */
  Iterable<? extends Map<String, Object>> objects(WatchTarget target);

  /** The objects of one namespace; none of a cluster-scoped kind. Sources with an index override this. */
  default Iterable<? extends Map<String, Object>> objects(WatchTarget target, String namespace) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> o : objects(target)) {
      if (o.get("metadata") instanceof Map<?, ?> m && namespace.equals(m.get("namespace"))) {
        out.add(o);
      }
    }
    return out;
  }

  /** This store seen through one namespace: what a config scoped to it may measure. */
  default ObjectStore inNamespace(String namespace) {
    return target -> objects(target, namespace);
  }
}
