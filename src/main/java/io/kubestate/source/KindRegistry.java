package io.kubestate.source;

import io.kubestate.expr.Projection;
import io.kubestate.expr.WatchTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.logging.Logger;

/**
 * What is known of each watched kind, and how its watch stands for readiness and self-telemetry.
 * Changed only on the thread that starts and stops the watches, read from any.
 */
final class KindRegistry {
  private static final Logger logger = Logger.getLogger(InformerSource.class.getName());

  /** The targets in config order. */
  final List<WatchTarget> order = new CopyOnWriteArrayList<>();
  final Map<WatchTarget, KindState> states = new ConcurrentHashMap<>();
  final Map<WatchTarget, KindWatch> watches = new ConcurrentHashMap<>();
  final Map<WatchTarget, Projection> projections = new ConcurrentHashMap<>();
  final Map<WatchTarget, Map<String, Projection>> scopedProjections = new ConcurrentHashMap<>();
  /** Kinds the API answered 404 for: not served, until a watch of theirs lists again. */
  final Set<WatchTarget> gone = ConcurrentHashMap.newKeySet();
  /** Lists again of a kind because its families read fields its cache lacks; its loops start over then. */
  final Map<WatchTarget, LongAdder> configRelists = new ConcurrentHashMap<>();
  /**
   * The relists of loops stopped for a config change, by kind, namespace and reason: the counters
   * go on from them in the loops that follow, instead of starting again from 0.
   */
  private final Map<WatchTarget, Map<String, Map<String, Long>>> retiredRelists = new ConcurrentHashMap<>();

  void forget(WatchTarget t) {
    order.remove(t);
    states.remove(t);
    projections.remove(t);
    scopedProjections.remove(t);
    retiredRelists.remove(t);
  }

  /** The state of each target's watch, in config order. */
  Map<WatchTarget, KindState> states() {
    Map<WatchTarget, KindState> out = new LinkedHashMap<>();
    for (WatchTarget t : order) {
      KindState s = states.get(t);
      if (s == null) {
        continue;
      }
      KindWatch w = watches.get(t);
      if (w != null && w.synced()) {
        if (gone.remove(t)) {
          logger.info(t.kind() + (t.group().isEmpty() ? "" : "." + t.group()) + " is served again");
        }
        out.put(t, KindState.SYNCED);
      } else {
        out.put(t, gone.contains(t) ? KindState.NOT_SERVED : s);
      }
    }
    return out;
  }

  boolean ready(Predicate<WatchTarget> counted) {
    return states().entrySet().stream().filter(e -> counted.test(e.getKey()))
        .allMatch(e -> e.getValue() == KindState.SYNCED || e.getValue() == KindState.NOT_SERVED);
  }

  /** Keeps the relist counts of the loops of {@code target}, which are about to be replaced. */
  void retire(WatchTarget target) {
    KindWatch w = watches.get(target);
    if (w == null) {
      return;
    }
    Map<String, Map<String, Long>> byNamespace = retiredRelists.computeIfAbsent(target, t -> new ConcurrentHashMap<>());
    for (WatchStatus s : w.statuses()) {
      Map<String, Long> kept = byNamespace.computeIfAbsent(s.namespace(), ns -> new ConcurrentHashMap<>());
      s.relists().forEach((reason, n) -> kept.merge(reason, n, Long::sum));
    }
  }

  List<WatchStatus> statuses() {
    List<WatchStatus> out = new ArrayList<>();
    for (WatchTarget t : order) {
      KindWatch w = watches.get(t);
      LongAdder config = configRelists.get(t);
      Map<String, Map<String, Long>> retired = retiredRelists.getOrDefault(t, Map.of());
      if (w != null) {
        for (WatchStatus s : w.statuses()) {
          Map<String, Long> relists = new TreeMap<>(s.relists());
          retired.getOrDefault(s.namespace(), Map.of()).forEach((reason, n) -> relists.merge(reason, n, Long::sum));
          if (config != null) {
            relists.put("config", config.sum());
          }
          out.add(new WatchStatus(s.group(), s.version(), s.kind(), s.namespace(), s.up(), s.downSince(),
              s.sinceContact(), relists));
        }
      } else if (states.containsKey(t)) {
        out.add(new WatchStatus(t.group(), t.versions().get(0), t.kind(), "", false));
      }
    }
    return out;
  }

  Instant downSince(WatchTarget target) {
    KindWatch w = watches.get(target);
    return w == null ? null : w.downSince();
  }

  Map<WatchTarget, Integer> objectCounts() {
    Map<WatchTarget, Integer> out = new LinkedHashMap<>();
    watches.forEach((t, w) -> out.put(t, w.objects().size()));
    return out;
  }

  Map<WatchTarget, Map<String, Long>> events() {
    Map<WatchTarget, Map<String, Long>> out = new LinkedHashMap<>();
    watches.forEach((t, w) -> out.put(t, w.events()));
    return out;
  }
}
