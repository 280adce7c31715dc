package io.kubestate.source;

import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.Projection;
import io.kubestate.expr.ScopedConfig;
import io.kubestate.expr.WatchTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to keep of the objects of each watched kind: what the cluster-wide families read, and per
 * namespace with configs of its own, also what those read.
 *
 * @param cluster per kind, in config order, what is kept of every object
 * @param scoped per kind, what is kept of the objects of each namespace with configs of its own
 */
record KindProjections(Map<WatchTarget, Projection> cluster, Map<WatchTarget, Map<String, Projection>> scoped) {
  private static final String LABELS = "metadata.labels";

  /** Whole objects of each target, without namespaces of their own. */
  static KindProjections whole(Collection<WatchTarget> targets) {
    Map<WatchTarget, Projection> next = new LinkedHashMap<>();
    targets.forEach(t -> next.put(t, Projection.whole()));
    return new KindProjections(next, Map.of());
  }

  /** A namespace whose config selects by label keeps the labels, which the selector is matched on. */
  static KindProjections of(CompiledConfig config, List<ScopedConfig> scopedConfigs) {
    Map<WatchTarget, List<KindMetrics>> cluster = new LinkedHashMap<>();
    Map<WatchTarget, Map<String, List<KindMetrics>>> byNamespace = new LinkedHashMap<>();
    Map<WatchTarget, Set<String>> selecting = new LinkedHashMap<>();
    for (KindMetrics k : config.kinds()) {
      cluster.computeIfAbsent(k.target(), t -> new ArrayList<>()).add(k);
    }
    for (ScopedConfig scoped : scopedConfigs) {
      for (KindMetrics k : scoped.config().kinds()) {
        WatchTarget shared = k.target().unselected();
        cluster.computeIfAbsent(shared, t -> new ArrayList<>());
        byNamespace.computeIfAbsent(shared, t -> new LinkedHashMap<>())
            .computeIfAbsent(scoped.namespace(), ns -> new ArrayList<>()).add(k);
        if (k.target().labelSelector() != null) {
          selecting.computeIfAbsent(shared, t -> new HashSet<>()).add(scoped.namespace());
        }
      }
    }
    Map<WatchTarget, Projection> next = new LinkedHashMap<>();
    Map<WatchTarget, Map<String, Projection>> nextScoped = new LinkedHashMap<>();
    cluster.forEach((t, kinds) -> {
      next.put(t, Projection.of(kinds));
      Map<String, Projection> perNamespace = new LinkedHashMap<>();
      byNamespace.getOrDefault(t, Map.of()).forEach((ns, own) -> {
        List<KindMetrics> all = new ArrayList<>(kinds);
        all.addAll(own);
        perNamespace.put(ns, Projection.of(all,
            selecting.getOrDefault(t, Set.of()).contains(ns) ? List.of(LABELS) : List.of()));
      });
      nextScoped.put(t, perNamespace);
    });
    return new KindProjections(next, nextScoped);
  }
}
