package io.kubestate.source;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestate.expr.Projection;
import io.kubestate.expr.WatchTarget;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Starts the watch of each kind once the API serves it, and stops it when the API stops serving
 * it. A kind the API does not serve yet, or an API that cannot be reached, is asked again with
 * backoff. Every change it makes to the registry runs on the one thread of {@code scheduler}, so
 * that a kind is never started twice or stopped while it starts.
 */
final class KindResolver {
  /** Under the source's name: these lines tell of the source's kinds. */
  private static final Logger logger = Logger.getLogger(InformerSource.class.getName());
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final List<String> namespaces;
  private final Discovery discovery;
  private final Sharding sharding;
  private final WatchSettings settings;
  private final KindRegistry kinds;
  private final ScheduledExecutorService scheduler;
  private final StreamingLists streaming;
  /** The problem last logged per kind, so that each is logged once, and again only when it changes. */
  private final Map<WatchTarget, String> logged = new ConcurrentHashMap<>();
  private final Map<WatchTarget, ScheduledFuture<?>> retries = new ConcurrentHashMap<>();
  private volatile boolean closed;

  KindResolver(KubernetesClient client, List<String> namespaces, Sharding sharding, WatchSettings settings,
      KindRegistry kinds, ScheduledExecutorService scheduler) {
    this.client = client;
    this.namespaces = namespaces;
    this.discovery = new Discovery(client);
    this.sharding = sharding;
    this.settings = settings;
    this.kinds = kinds;
    this.scheduler = scheduler;
    this.streaming = new StreamingLists(client, settings.streamingLists());
  }

  void resolve(WatchTarget target, Duration backoff) {
    if (closed || !kinds.states.containsKey(target) || kinds.watches.containsKey(target)) {
      return;
    }
    String problem;
    try {
      ResolvedKind kind = discovery.resolve(target);
      if (kind != null) {
        KindWatch[] started = new KindWatch[1];
        KindWatch watch = new KindWatch(target, kind, sharding,
            kinds.projections.getOrDefault(target, Projection.whole()), settings,
            why -> scheduler.execute(() -> vanished(target, started[0], why)));
        started[0] = watch;
        watch.scope(kinds.scopedProjections.getOrDefault(target, Map.of()));
        try {
          watch.start(client, namespaces, streaming);
        } catch (RuntimeException e) {
          watch.close();
          throw e;
        }
        kinds.watches.put(target, watch);
        kinds.states.put(target, KindState.SYNCING);
        if (logged.remove(target) != null || !kinds.gone.contains(target)) {
          logger.info("watching " + kind.plural() + (kind.group().isEmpty() ? "" : "." + kind.group()) + "/"
              + kind.version() + (namespaces.isEmpty() || !kind.namespaced() ? "" : " in namespaces " + namespaces));
        }
        return;
      }
      problem = "the API serves none of the versions " + target.versions() + " of " + target.kind()
          + " (is its CustomResourceDefinition installed?)";
      kinds.states.put(target, KindState.NOT_SERVED);
    } catch (RuntimeException e) {
      problem = "cannot ask the API about " + target.kind() + ": " + ApiFailure.rootMessage(e);
    }
    if (!problem.equals(logged.put(target, problem))) {
      logger.warning(problem + "; retrying, and saying so again only if that changes");
    } else {
      logger.fine(problem + "; retrying in " + backoff.toSeconds() + " s");
    }
    Duration next = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
    retries.put(target, scheduler.schedule(() -> resolve(target, next), backoff.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** The kind's CRD appeared or changed: a kind still waiting is asked about now, not at its next retry. */
  void definitionAppeared(WatchTarget t) {
    KindState s = kinds.states.get(t);
    if (s == KindState.WAITING || s == KindState.NOT_SERVED) {
      ScheduledFuture<?> pending = retries.remove(t);
      if (pending != null) {
        pending.cancel(false);
      }
      resolve(t, FIRST_RETRY);
    }
  }

  void definitionDeleted(WatchTarget t, String definition) {
    if (kinds.watches.containsKey(t)) {
      logger.warning("CustomResourceDefinition " + definition + " was deleted: stopped watching "
          + t.kind() + "; its series are gone until it is installed again");
      stop(t);
      kinds.states.put(t, KindState.NOT_SERVED);
      retry(t, MAX_RETRY);
    }
  }

  /**
   * The API answered 404 to a list or watch of a kind: its objects are forgotten at once, so that
   * its series go at the next collection, and discovery asks again now and then, as for a kind
   * whose CRD is not installed. Logged once, until the kind is served again.
   */
  private void vanished(WatchTarget target, KindWatch watch, String why) {
    if (watch == null || kinds.watches.get(target) != watch) {
      return;
    }
    stop(target);
    kinds.states.put(target, KindState.NOT_SERVED);
    if (kinds.gone.add(target)) {
      logger.warning(target.kind() + (target.group().isEmpty() ? "" : "." + target.group())
          + " is not served any more (" + why + "): its series are gone until the API serves it again");
    } else {
      logger.fine(target.kind() + " still not served: " + why);
    }
    retry(target, MAX_RETRY);
  }

  private void retry(WatchTarget target, Duration after) {
    retries.put(target, scheduler.schedule(() -> resolve(target, FIRST_RETRY), after.toMillis(), TimeUnit.MILLISECONDS));
  }

  void stop(WatchTarget t) {
    ScheduledFuture<?> pending = retries.remove(t);
    if (pending != null) {
      pending.cancel(false);
    }
    KindWatch w = kinds.watches.remove(t);
    if (w != null) {
      w.close();
    }
  }

  /**
   * Whether the API serves the kind namespaced: true or false once known, null when it cannot be
   * told now (not served, or the API cannot be reached).
   */
  Boolean namespaced(WatchTarget target) {
    KindWatch w = kinds.watches.get(target);
    if (w != null) {
      return w.kind().namespaced();
    }
    try {
      ResolvedKind kind = discovery.resolve(target);
      return kind == null ? null : kind.namespaced();
    } catch (RuntimeException e) {
      return null;
    }
  }

  void close() {
    closed = true;
  }
}
