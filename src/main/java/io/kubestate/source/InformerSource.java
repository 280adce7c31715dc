package io.kubestate.source;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.ObjectStore;
import io.kubestate.expr.Projection;
import io.kubestate.expr.ScopedConfig;
import io.kubestate.expr.WatchTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Watches every target of a config through fabric8 informers. A kind the API does not serve yet
 * (CRD not installed) or an API that cannot be reached is retried with backoff, and a watch on
 * CustomResourceDefinitions starts a waiting kind as soon as its CRD appears and stops it when the
 * CRD is deleted. The process stays up and the other kinds are unaffected.
 */
public final class InformerSource implements ObjectStore, AutoCloseable {
  private static final Logger logger = Logger.getLogger(InformerSource.class.getName());
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);
  private static final String LABELS = "metadata.labels";

  private final KubernetesClient client;
  private final List<String> namespaces;
  private final Discovery discovery;
  private final Sharding sharding;
  private final WatchSettings settings;
  /** Kinds the API answered 404 for: not served, until a watch of theirs lists again. */
  private final Set<WatchTarget> gone = ConcurrentHashMap.newKeySet();
  /** Lists again of a kind because its families read fields its cache lacks; its loops start over then. */
  private final Map<WatchTarget, java.util.concurrent.atomic.LongAdder> configRelists = new ConcurrentHashMap<>();
  /** The problem last logged per kind, so that each is logged once, and again only when it changes. */
  private final Map<WatchTarget, String> logged = new ConcurrentHashMap<>();
  private final Map<WatchTarget, KindWatch> watches = new ConcurrentHashMap<>();
  private final Map<WatchTarget, KindState> states = new ConcurrentHashMap<>();
  private final Map<WatchTarget, Projection> projections = new ConcurrentHashMap<>();
  private final Map<WatchTarget, Map<String, Projection>> scopedProjections = new ConcurrentHashMap<>();
  private final Map<WatchTarget, ScheduledFuture<?>> retries = new ConcurrentHashMap<>();
  private final Map<String, LabelSelector> selectors = new ConcurrentHashMap<>();
  private final List<WatchTarget> order = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kind-discovery");
    t.setDaemon(true);
    return t;
  });
  private SharedIndexInformer<CustomResourceDefinition> crds;
  private volatile boolean crdWatchFailed;
  private volatile boolean closed;

  private InformerSource(KubernetesClient client, List<String> namespaces, Sharding sharding,
      WatchSettings settings) {
    this.settings = settings;
    this.client = client;
    this.namespaces = List.copyOf(namespaces);
    this.sharding = sharding;
    this.discovery = new Discovery(client);
  }

  /**
   * Starts watching; returns at once. Kinds become ready in the background.
   *
   * @param namespaces the namespaces to watch; empty for all
   */
  public static InformerSource start(KubernetesClient client, Collection<WatchTarget> targets, List<String> namespaces) {
    return start(client, targets, namespaces, Sharding.NONE);
  }

  /**
   * Starts watching, keeping only the objects of one shard; returns at once.
   *
   * @param namespaces the namespaces to watch; empty for all
   */
  public static InformerSource start(KubernetesClient client, Collection<WatchTarget> targets, List<String> namespaces,
      Sharding sharding) {
    InformerSource source = new InformerSource(client, namespaces, sharding, WatchSettings.DEFAULT);
    source.watchDefinitions();
    source.replaceTargets(targets);
    return source;
  }

  /**
   * Starts watching the kinds of a compiled config, caching of each object only what its families
   * read ({@link Projection}); returns at once.
   *
   * @param namespaces the namespaces to watch; empty for all
   */
  public static InformerSource start(KubernetesClient client, CompiledConfig config, List<String> namespaces,
      Sharding sharding) {
    return start(client, config, namespaces, sharding, WatchSettings.DEFAULT);
  }

  /** As {@link #start(KubernetesClient, CompiledConfig, List, Sharding)}, at the pace of {@code settings}. */
  public static InformerSource start(KubernetesClient client, CompiledConfig config, List<String> namespaces,
      Sharding sharding, WatchSettings settings) {
    InformerSource source = new InformerSource(client, namespaces, sharding, settings);
    source.watchDefinitions();
    source.replaceTargets(config);
    return source;
  }

  /**
   * Watches exactly these targets from now on, keeping whole objects: kinds still needed keep their
   * informers (no relist), new ones start, dropped ones stop and their objects are forgotten.
   */
  public void replaceTargets(Collection<WatchTarget> targets) {
    Map<WatchTarget, Projection> next = new LinkedHashMap<>();
    targets.forEach(t -> next.put(t, Projection.whole()));
    replace(next);
  }

  /**
   * Watches the kinds of this config from now on, as {@link #replaceTargets(Collection)} does; a
   * kind whose families read other fields than before is listed again, since its cache lacks them.
   */
  public void replaceTargets(CompiledConfig config) {
    replaceTargets(config, List.of());
  }

  /**
   * Watches the kinds of a cluster-wide config and of configs scoped to one namespace each. A kind
   * keeps for every object what the cluster-wide families read, and for the objects of a scoped
   * config's namespace also what that config reads. A kind is listed again only when what its
   * cluster-wide families read changes; when a namespace's configs read more than before, only
   * that namespace is listed once more, and the watches keep running.
   *
   * <p>A scoped config's label selector does not make a watch of its own: it shares the kind's
   * watch without a selector and is applied to the namespace's objects at each collection ({@link
   * #objects(WatchTarget, String)}).
   */
  public void replaceTargets(CompiledConfig config, List<ScopedConfig> scopedConfigs) {
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
    replace(next, nextScoped);
  }

  private void replace(Map<WatchTarget, Projection> next) {
    replace(next, Map.of());
  }

  private void replace(Map<WatchTarget, Projection> next, Map<WatchTarget, Map<String, Projection>> nextScoped) {
    Collection<WatchTarget> targets = next.keySet();
    scheduler.execute(() -> {
      for (WatchTarget t : targets) {
        Map<String, Projection> scoped = nextScoped.getOrDefault(t, Map.of());
        scopedProjections.put(t, scoped);
        KindWatch w = watches.get(t);
        if (w != null && next.get(t).equals(projections.get(t))) {
          w.scope(scoped);
        }
      }
      for (WatchTarget t : List.copyOf(order)) {
        if (!next.containsKey(t)) {
          stop(t);
          order.remove(t);
          states.remove(t);
          projections.remove(t);
          scopedProjections.remove(t);
        } else if (!next.get(t).equals(projections.put(t, next.get(t))) && watches.containsKey(t)) {
          stop(t);
          configRelists.computeIfAbsent(t, k -> new java.util.concurrent.atomic.LongAdder()).increment();
          states.put(t, KindState.WAITING);
          resolve(t, FIRST_RETRY);
        }
      }
      for (WatchTarget t : targets) {
        projections.put(t, next.get(t));
        if (!states.containsKey(t)) {
          order.add(t);
          states.put(t, KindState.WAITING);
          resolve(t, FIRST_RETRY);
        }
      }
    });
  }

  private void watchDefinitions() {
    crds = client.apiextensions().v1().customResourceDefinitions().runnableInformer(0);
    crds.exceptionHandler((started, t) -> {
      if (!crdWatchFailed) {
        logger.warning("cannot watch CustomResourceDefinitions (" + KindWatch.rootMessage(t) + "): kinds whose CRD is"
            + " installed later are found by polling every " + MAX_RETRY.toSeconds() + " s instead");
        crdWatchFailed = true;
      }
      return true;
    });
    crds.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(CustomResourceDefinition crd) {
        scheduler.execute(() -> definitionAppeared(crd));
      }

      @Override
      public void onUpdate(CustomResourceDefinition oldCrd, CustomResourceDefinition crd) {
        scheduler.execute(() -> definitionAppeared(crd));
      }

      @Override
      public void onDelete(CustomResourceDefinition crd, boolean deletedFinalStateUnknown) {
        scheduler.execute(() -> definitionDeleted(crd));
      }
    });
    crds.start();
  }

  private void definitionAppeared(CustomResourceDefinition crd) {
    for (WatchTarget t : matching(crd)) {
      KindState s = states.get(t);
      if (s == KindState.WAITING || s == KindState.NOT_SERVED) {
        ScheduledFuture<?> pending = retries.remove(t);
        if (pending != null) {
          pending.cancel(false);
        }
        resolve(t, FIRST_RETRY);
      }
    }
  }

  private void definitionDeleted(CustomResourceDefinition crd) {
    for (WatchTarget t : matching(crd)) {
      if (watches.containsKey(t)) {
        logger.warning("CustomResourceDefinition " + crd.getMetadata().getName() + " was deleted: stopped watching "
            + t.kind() + "; its series are gone until it is installed again");
        stop(t);
        states.put(t, KindState.NOT_SERVED);
        retry(t, MAX_RETRY);
      }
    }
  }

  private List<WatchTarget> matching(CustomResourceDefinition crd) {
    if (crd.getSpec() == null || crd.getSpec().getNames() == null) {
      return List.of();
    }
    List<WatchTarget> out = new ArrayList<>();
    for (WatchTarget t : order) {
      if (t.group().equals(crd.getSpec().getGroup()) && t.kind().equals(crd.getSpec().getNames().getKind())) {
        out.add(t);
      }
    }
    return out;
  }

  private void resolve(WatchTarget target, Duration backoff) {
    if (closed || !states.containsKey(target) || watches.containsKey(target)) {
      return;
    }
    String problem;
    try {
      ResolvedKind kind = discovery.resolve(target);
      if (kind != null) {
        KindWatch[] started = new KindWatch[1];
        KindWatch watch = new KindWatch(target, kind, sharding, projections.getOrDefault(target, Projection.whole()),
            settings, why -> scheduler.execute(() -> vanished(target, started[0], why)));
        started[0] = watch;
        watch.scope(scopedProjections.getOrDefault(target, Map.of()));
        try {
          watch.start(client, namespaces);
        } catch (RuntimeException e) {
          watch.close();
          throw e;
        }
        watches.put(target, watch);
        states.put(target, KindState.SYNCING);
        if (logged.remove(target) != null || !gone.contains(target)) {
          logger.info("watching " + kind.plural() + (kind.group().isEmpty() ? "" : "." + kind.group()) + "/"
              + kind.version() + (namespaces.isEmpty() || !kind.namespaced() ? "" : " in namespaces " + namespaces));
        }
        return;
      }
      problem = "the API serves none of the versions " + target.versions() + " of " + target.kind()
          + " (is its CustomResourceDefinition installed?)";
      states.put(target, KindState.NOT_SERVED);
    } catch (RuntimeException e) {
      problem = "cannot ask the API about " + target.kind() + ": " + KindWatch.rootMessage(e);
    }
    if (!problem.equals(logged.put(target, problem))) {
      logger.warning(problem + "; retrying, and saying so again only if that changes");
    } else {
      logger.fine(problem + "; retrying in " + backoff.toSeconds() + " s");
    }
    Duration next = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
    retries.put(target, scheduler.schedule(() -> resolve(target, next), backoff.toMillis(), TimeUnit.MILLISECONDS));
  }

  /**
   * The API answered 404 to a list or watch of a kind: its objects are forgotten at once, so that
   * its series go at the next collection, and discovery asks again now and then, as for a kind
   * whose CRD is not installed. Logged once, until the kind is served again.
   */
  private void vanished(WatchTarget target, KindWatch watch, String why) {
    if (watch == null || watches.get(target) != watch) {
      return;
    }
    stop(target);
    states.put(target, KindState.NOT_SERVED);
    if (gone.add(target)) {
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

  private void stop(WatchTarget t) {
    ScheduledFuture<?> pending = retries.remove(t);
    if (pending != null) {
      pending.cancel(false);
    }
    KindWatch w = watches.remove(t);
    if (w != null) {
      w.close();
    }
  }

  @Override
  public Iterable<? extends Map<String, Object>> objects(WatchTarget target) {
    KindWatch w = watches.get(target);
    return w == null ? List.of() : w.objects();
  }

  /**
   * The objects of one namespace, from the same cache as {@link #objects(WatchTarget)}; those of
   * the target's label selector, matched here on the labels the cache keeps for the namespace.
   */
  @Override
  public Iterable<? extends Map<String, Object>> objects(WatchTarget target, String namespace) {
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

  /**
   * Whether the API serves the kind namespaced: true or false once known, null when it cannot be
   * told now (not served, or the API cannot be reached).
   */
  public Boolean namespaced(WatchTarget target) {
    KindWatch w = watches.get(target);
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

  /** The state of each target's watch, in config order. */
  public Map<WatchTarget, KindState> states() {
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

  /** Ready once every kind the API serves has listed once and is watching. */
  public boolean ready() {
    return ready(t -> true);
  }

  /** As {@link #ready()}, counting only the kinds {@code counted} accepts. */
  public boolean ready(java.util.function.Predicate<WatchTarget> counted) {
    return states().entrySet().stream().filter(e -> counted.test(e.getKey()))
        .allMatch(e -> e.getValue() == KindState.SYNCED || e.getValue() == KindState.NOT_SERVED);
  }

  /** Every informer, and one entry per kind still waiting for the API, for the resource_up self-metric. */
  public List<WatchStatus> statuses() {
    List<WatchStatus> out = new ArrayList<>();
    for (WatchTarget t : order) {
      KindWatch w = watches.get(t);
      java.util.concurrent.atomic.LongAdder config = configRelists.get(t);
      if (w != null && config != null) {
        for (WatchStatus s : w.statuses()) {
          Map<String, Long> relists = new java.util.TreeMap<>(s.relists());
          relists.put("config", config.sum());
          out.add(new WatchStatus(s.group(), s.version(), s.kind(), s.namespace(), s.up(), s.downSince(),
              s.sinceContact(), relists));
        }
      } else if (w != null) {
        out.addAll(w.statuses());
      } else if (states.containsKey(t)) {
        out.add(new WatchStatus(t.group(), t.versions().get(0), t.kind(), "", false));
      }
    }
    return out;
  }

  /** Since when a watch of the kind is down, or null when its watches are up or it has none. */
  public java.time.Instant downSince(WatchTarget target) {
    KindWatch w = watches.get(target);
    return w == null ? null : w.downSince();
  }

  /** Cached objects per watched kind. */
  public Map<WatchTarget, Integer> objectCounts() {
    Map<WatchTarget, Integer> out = new LinkedHashMap<>();
    watches.forEach((t, w) -> out.put(t, w.objects().size()));
    return out;
  }

  /** Informer events by kind and type since the kind's watch started. */
  public Map<WatchTarget, Map<String, Long>> events() {
    Map<WatchTarget, Map<String, Long>> out = new LinkedHashMap<>();
    watches.forEach((t, w) -> out.put(t, w.events()));
    return out;
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    if (crds != null) {
      crds.close();
    }
    watches.values().forEach(KindWatch::close);
    watches.clear();
  }
}
