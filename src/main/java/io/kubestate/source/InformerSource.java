package io.kubestate.source;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestate.expr.ObjectStore;
import io.kubestate.expr.WatchTarget;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Watches every target of a config through fabric8 informers. A kind the API does not serve yet
 * (CRD not installed) or an API that cannot be reached is retried with backoff; the process stays
 * up and the other kinds are unaffected.
 */
public final class InformerSource implements ObjectStore, AutoCloseable {
  private static final Logger logger = Logger.getLogger(InformerSource.class.getName());
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final List<String> namespaces;
  private final Discovery discovery;
  private final Map<WatchTarget, KindWatch> watches = new ConcurrentHashMap<>();
  private final Map<WatchTarget, KindState> states = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kind-discovery");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  private InformerSource(KubernetesClient client, List<String> namespaces) {
    this.client = client;
    this.namespaces = List.copyOf(namespaces);
    this.discovery = new Discovery(client);
  }

  /**
   * Starts watching; returns at once. Kinds become ready in the background.
   *
   * @param namespaces the namespaces to watch; empty for all
   */
  public static InformerSource start(KubernetesClient client, Collection<WatchTarget> targets, List<String> namespaces) {
    InformerSource source = new InformerSource(client, namespaces);
    for (WatchTarget t : targets) {
      source.states.put(t, KindState.WAITING);
      source.scheduler.execute(() -> source.resolve(t, FIRST_RETRY));
    }
    return source;
  }

  private void resolve(WatchTarget target, Duration backoff) {
    if (closed) {
      return;
    }
    String problem;
    try {
      ResolvedKind kind = discovery.resolve(target);
      if (kind != null) {
        KindWatch watch = new KindWatch(target, kind);
        try {
          watch.start(client, namespaces);
        } catch (RuntimeException e) {
          watch.close();
          throw e;
        }
        watches.put(target, watch);
        states.put(target, KindState.SYNCING);
        logger.info("watching " + kind.plural() + (kind.group().isEmpty() ? "" : "." + kind.group()) + "/"
            + kind.version() + (namespaces.isEmpty() || !kind.namespaced() ? "" : " in namespaces " + namespaces));
        return;
      }
      problem = "the API serves none of the versions " + target.versions() + " of " + target.kind()
          + " (is its CustomResourceDefinition installed?)";
    } catch (RuntimeException e) {
      problem = "cannot ask the API about " + target.kind() + ": " + KindWatch.rootMessage(e);
    }
    logger.warning(problem + "; retrying in " + backoff.toSeconds() + " s");
    Duration next = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
    scheduler.schedule(() -> resolve(target, next), backoff.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public Iterable<? extends Map<String, Object>> objects(WatchTarget target) {
    KindWatch w = watches.get(target);
    return w == null ? List.of() : w.objects();
  }

  /** The state of each target's watch, in config order. */
  public Map<WatchTarget, KindState> states() {
    Map<WatchTarget, KindState> out = new LinkedHashMap<>();
    states.forEach((t, s) -> {
      KindWatch w = watches.get(t);
      out.put(t, w != null && w.synced() ? KindState.SYNCED : s);
    });
    return out;
  }

  /** Ready once every kind has listed once and is watching. */
  public boolean ready() {
    return states().values().stream().allMatch(s -> s == KindState.SYNCED);
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    watches.values().forEach(KindWatch::close);
    watches.clear();
  }
}
