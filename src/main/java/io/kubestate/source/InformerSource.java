package io.kubestate.source;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestate.config.ServedKind;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.ObjectStore;
import io.kubestate.expr.Projection;
import io.kubestate.expr.ScopedConfig;
import io.kubestate.expr.WatchTarget;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Watches every target of a config through fabric8 informers. A kind the API does not serve yet
 * (CRD not installed) or an API that cannot be reached is retried with backoff, and a watch on
 * CustomResourceDefinitions starts a waiting kind as soon as its CRD appears and stops it when the
 * CRD is deleted. The process stays up and the other kinds are unaffected.
 */
public final class InformerSource implements ObjectStore, AutoCloseable {
  private final KubernetesClient client;
  private final KindRegistry kinds = new KindRegistry();
  private final NamespaceView namespaceView = new NamespaceView(kinds.watches);
  /** The one thread every start, stop and change of a kind's watch runs on. */
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "kind-discovery");
    t.setDaemon(true);
    return t;
  });
  private final KindResolver resolver;
  private volatile DefinitionWatch crds;
  private final KindFollower follower = new KindFollower(scheduler, () -> crds);

  private InformerSource(KubernetesClient client, List<String> namespaces, Sharding sharding,
      WatchSettings settings) {
    this.client = client;
    this.resolver = new KindResolver(client, List.copyOf(namespaces), sharding, settings, kinds, scheduler);
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
    replace(KindProjections.whole(targets));
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
    replace(KindProjections.of(config, scopedConfigs));
  }

  private void replace(KindProjections kindProjections) {
    Map<WatchTarget, Projection> next = kindProjections.cluster();
    Map<WatchTarget, Map<String, Projection>> nextScoped = kindProjections.scoped();
    Collection<WatchTarget> targets = next.keySet();
    scheduler.execute(() -> {
      for (WatchTarget t : targets) {
        Map<String, Projection> scoped = nextScoped.getOrDefault(t, Map.of());
        kinds.scopedProjections.put(t, scoped);
        KindWatch w = kinds.watches.get(t);
        if (w != null && next.get(t).equals(kinds.projections.get(t))) {
          w.scope(scoped);
        }
      }
      for (WatchTarget t : List.copyOf(kinds.order)) {
        if (!next.containsKey(t)) {
          resolver.stop(t);
          kinds.forget(t);
        } else if (!next.get(t).equals(kinds.projections.put(t, next.get(t))) && kinds.watches.containsKey(t)) {
          kinds.retire(t);
          resolver.stop(t);
          kinds.configRelists.computeIfAbsent(t, k -> new LongAdder()).increment();
          kinds.states.put(t, KindState.WAITING);
          resolver.resolve(t, KindResolver.FIRST_RETRY);
        }
      }
      for (WatchTarget t : targets) {
        kinds.projections.put(t, next.get(t));
        if (!kinds.states.containsKey(t)) {
          kinds.order.add(t);
          kinds.states.put(t, KindState.WAITING);
          resolver.resolve(t, KindResolver.FIRST_RETRY);
        }
      }
    });
  }

  private void watchDefinitions() {
    crds = new DefinitionWatch(client, kinds.order, scheduler, new DefinitionWatch.Listener() {
      @Override
      public void appeared(WatchTarget target) {
        resolver.definitionAppeared(target);
      }

      @Override
      public void deleted(WatchTarget target, String definition) {
        resolver.definitionDeleted(target, definition);
      }

      @Override
      public void changed(String group) {
        follower.changed(group);
      }
    });
    crds.start();
  }

  /**
   * Follows the kinds that the CustomResourceDefinitions of these groups define, at their served
   * versions, for wildcard entries: {@code listener} is told them now (those listed so far) and
   * again within a second of any change, on the thread that starts and stops the watches.
   */
  public void followKinds(Set<String> groups, Consumer<List<ServedKind>> listener) {
    follower.follow(groups, listener);
  }

  @Override
  public Iterable<? extends Map<String, Object>> objects(WatchTarget target) {
    KindWatch w = kinds.watches.get(target);
    return w == null ? List.of() : w.objects();
  }

  /**
   * The objects of one namespace, from the same cache as {@link #objects(WatchTarget)}; those of
   * the target's label selector, matched here on the labels the cache keeps for the namespace.
   */
  @Override
  public Iterable<? extends Map<String, Object>> objects(WatchTarget target, String namespace) {
    return namespaceView.objects(target, namespace);
  }

  /**
   * Whether the API serves the kind namespaced: true or false once known, null when it cannot be
   * told now (not served, or the API cannot be reached).
   */
  public Boolean namespaced(WatchTarget target) {
    return resolver.namespaced(target);
  }

  /** The state of each target's watch, in config order. */
  public Map<WatchTarget, KindState> states() {
    return kinds.states();
  }

  /** Ready once every kind the API serves has listed once and is watching. */
  public boolean ready() {
    return ready(t -> true);
  }

  /** False while wildcard entries wait for the CustomResourceDefinitions to be listed, which name their kinds. */
  public boolean wildcardsResolved() {
    return follower.settled();
  }

  /** As {@link #ready()}, counting only the kinds {@code counted} accepts. */
  public boolean ready(Predicate<WatchTarget> counted) {
    return follower.settled() && kinds.ready(counted);
  }

  /** Every informer, and one entry per kind still waiting for the API, for the resource_up self-metric. */
  public List<WatchStatus> statuses() {
    return kinds.statuses();
  }

  /** Since when a watch of the kind is down, or null when its watches are up or it has none. */
  public Instant downSince(WatchTarget target) {
    return kinds.downSince(target);
  }

  /** Cached objects per watched kind. */
  public Map<WatchTarget, Integer> objectCounts() {
    return kinds.objectCounts();
  }

  /** Informer events by kind and type since the kind's watch started. */
  public Map<WatchTarget, Map<String, Long>> events() {
    return kinds.events();
  }

  @Override
  public void close() {
    resolver.close();
    scheduler.shutdownNow();
    if (crds != null) {
      crds.close();
    }
    kinds.watches.values().forEach(KindWatch::close);
    kinds.watches.clear();
  }
}
