package io.kubestate.source;

import io.kubestate.expr.WatchTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects of one namespace, from the cache of the kind's watch without a selector: a scoped
 * config's label selector does not make a watch of its own, it is matched here at each collection
 * on the labels the cache keeps for the namespace.
 */
final class NamespaceView {
  private final Map<WatchTarget, KindWatch> watches;
  private final Map<String, LabelSelector> selectors = new ConcurrentHashMap<>();

  NamespaceView(Map<WatchTarget, KindWatch> watches) {
    this.watches = watches;
  }

  Iterable<? extends Map<String, Object>> objects(WatchTarget target, String namespace) {
    KindWatch w = watches.get(target.unselected());
    if (w == null) {
      return List.of();
    }
    Collection<Map<String, Object>> in = w.objects(namespace);
    if (target.labelSelector() == null) {
      return in;
    }
    LabelSelector selector = selectors.computeIfAbsent(target.labelSelector(), LabelSelector::parse);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map<String, Object> o : in) {
      if (selector.matches(o)) {
        out.add(o);
      }
    }
    return out;
  }
}
