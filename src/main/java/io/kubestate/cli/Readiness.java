package io.kubestate.cli;

import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.WatchTarget;
import io.kubestate.server.HealthServer;
import io.kubestate.source.InformerSource;
import io.kubestate.source.KindState;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Ready once the kinds of the exporter's own config have synced and the first collection has
 * built their series: a kind only MetricsConfig resources name, perhaps one the exporter may not
 * read, must not take the endpoint out of its Service for everyone.
 */
final class Readiness {
  private final InformerSource source;
  /** The exporter's own config, as a reload leaves it. */
  private final Supplier<CompiledConfig> own;

  Readiness(InformerSource source, Supplier<CompiledConfig> own) {
    this.source = source;
    this.own = own;
  }

  /** Whether the kinds of the exporter's own config have listed their objects. */
  boolean synced() {
    return source.ready(this::ownKind);
  }

  HealthServer.Readiness report(FirstCollection first) {
    StringBuilder detail = new StringBuilder();
    boolean synced = synced();
    boolean ready = synced && first.done();
    java.time.Instant now = java.time.Instant.now();
    for (Map.Entry<WatchTarget, KindState> e : source.states().entrySet()) {
      detail.append(e.getKey()).append(": ").append(e.getValue().name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', ' '));
      java.time.Instant down = e.getValue() == KindState.SYNCED ? source.downSince(e.getKey()) : null;
      if (down != null) {
        // Still ready: restarting the pod would not bring the watch back, and would lose the cache.
        detail.append(", watch down since ").append(down.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
            .append(" (").append(Duration.between(down, now).toSeconds()).append(" s), serving the last known objects");
      }
      detail.append('\n');
    }
    if (!source.wildcardsResolved()) {
      detail.append("wildcard entries: waiting for the CustomResourceDefinitions, which name their kinds\n");
    }
    if (synced && !ready) {
      detail.append("building the series (first collection)\n");
    }
    return new HealthServer.Readiness(ready, (ready ? "ready\n" : "not ready\n") + detail);
  }

  private boolean ownKind(WatchTarget target) {
    return own.get().kinds().stream().anyMatch(k -> k.target().equals(target));
  }

  /** The objects of the exporter's own kinds that the cache holds. */
  long objects() {
    return source.objectCounts().entrySet().stream().filter(e -> ownKind(e.getKey()))
        .mapToLong(Map.Entry::getValue).sum();
  }
}
