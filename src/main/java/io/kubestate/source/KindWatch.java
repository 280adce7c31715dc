package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.kubestate.expr.Projection;
import io.kubestate.expr.WatchTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The list-watch loops of one kind (one per namespace when namespaces are restricted), which fill
 * the {@link KindCache} the collections read.
 *
 * <p>Objects keep what the cluster-wide families read, and in a namespace that has families of
 * its own also what those read. When a namespace's families start reading more, only that
 * namespace is listed again to fill the cache in; the watches keep running.
 */
final class KindWatch implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(KindWatch.class.getName());
  /** Objects per list request: one page of whole objects is held at a time, not all. */
  static final long LIST_PAGE = WatchSettings.DEFAULT.listPage();

  private final WatchTarget target;
  private final ResolvedKind kind;
  private final List<NamespaceWatch> watches = new ArrayList<>();
  private final Map<String, LongAdder> events = new ConcurrentHashMap<>();
  private final boolean secrets;
  private final Sharding sharding;
  private final KindCache cache;
  private final WatchSettings settings;
  private final java.util.function.Consumer<String> onGone;
  private KubernetesClient client;

  KindWatch(WatchTarget target, ResolvedKind kind) {
    this(target, kind, Sharding.NONE);
  }

  KindWatch(WatchTarget target, ResolvedKind kind, Sharding sharding) {
    this(target, kind, sharding, Projection.whole());
  }

  KindWatch(WatchTarget target, ResolvedKind kind, Sharding sharding, Projection projection) {
    this(target, kind, sharding, projection, WatchSettings.DEFAULT, why -> { });
  }

  /** @param onGone told, with the answer in words, when the API answers 404: the kind is not served any more */
  KindWatch(WatchTarget target, ResolvedKind kind, Sharding sharding, Projection projection, WatchSettings settings,
      java.util.function.Consumer<String> onGone) {
    this.settings = settings;
    this.onGone = onGone;
    this.target = target;
    this.kind = kind;
    this.sharding = sharding;
    this.cache = new KindCache(projection);
    this.secrets = kind.group().isEmpty() && kind.kind().equals("Secret");
  }

  /**
   * What is kept of the objects of some namespaces beyond the kind's projection; from the first
   * event on, and before {@link #start} for what is listed then.
   */
  void scope(Map<String, Projection> byNamespace) {
    Map<String, Projection> before = cache.scope(byNamespace);
    if (client == null) {
      return;
    }
    byNamespace.forEach((ns, wanted) -> {
      if (cache.lacks(before, ns, wanted)) {
        try {
          refill(ns);
        } catch (RuntimeException e) {
          logger.warning("cannot list " + kind.plural() + " of namespace " + ns + " again (" + ApiFailure.rootMessage(e)
              + "): its objects gain the fields its configs read at their next change");
        }
      }
    });
  }

  private MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
      operation() {
    ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder()
        .withGroup(kind.group())
        .withVersion(kind.version())
        .withKind(kind.kind())
        .withPlural(kind.plural())
        .withNamespaced(kind.namespaced())
        .build();
    // Each end of a watch must reach the loop, which resumes it, instead of fabric8 reconnecting
    // behind its back: a watch that is down would not show.
    KubernetesClient own = client.newClient(new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
        .withWatchReconnectLimit(0).build()).adapt(KubernetesClient.class);
    return own.genericKubernetesResources(ctx);
  }

  /**
   * Lists one namespace and replaces each cached object whose version the informer holds by its
   * copy with the current projection. An object at another version needs nothing: its newer
   * event is handled with the current projection, before or after this.
   */
  private void refill(String namespace) {
    FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
        Resource<GenericKubernetesResource>> listing = operation().inNamespace(namespace);
    if (target.labelSelector() != null) {
      listing = listing.withLabelSelector(target.labelSelector());
    }
    int[] refilled = {0};
    PagedList.read(listing, settings.listPage(), obj -> {
      if (!cache.holds(namespace)) {
        return;
      }
      String version = informedVersion(obj);
      if (version == null || !version.equals(obj.getMetadata().getResourceVersion())) {
        return;
      }
      Map<String, Object> map = convert(obj);
      if (map != null && cache.refill(namespace, obj.getMetadata().getName(), map)) {
        refilled[0]++;
      }
    }, () -> false);
    logger.info("read " + refilled[0] + " " + kind.plural() + " of namespace " + namespace
        + " again for the fields its own configs read");
  }

  private String informedVersion(GenericKubernetesResource obj) {
    for (NamespaceWatch w : watches) {
      String version = w.loop.version(obj);
      if (version != null) {
        return version;
      }
    }
    return null;
  }

  void start(KubernetesClient client, List<String> namespaces, StreamingLists streaming) {
    this.client = client;
    MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> op =
        operation();
    List<String> scopes = kind.namespaced() && !namespaces.isEmpty() ? namespaces : Collections.singletonList(null);
    long started = System.nanoTime();
    String server = client.getConfiguration().getMasterUrl();
    for (String ns : scopes) {
      FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>> scoped = ns == null ? op.inAnyNamespace() : op.inNamespace(ns);
      if (target.labelSelector() != null) {
        scoped = scoped.withLabelSelector(target.labelSelector());
      }
      NamespaceWatch watch = new NamespaceWatch(ns);
      watch.loop = new ListWatch(kind.plural() + (kind.group().isEmpty() ? "" : "." + kind.group()), ns, scoped, settings, server,
          streaming, new Handler(watch, started));
      watches.add(watch);
    }
    watches.forEach(w -> w.loop.start());
  }

  /** Every loop has received its first list in full, and this cache holds it. */
  boolean synced() {
    return !watches.isEmpty() && watches.stream().allMatch(NamespaceWatch::synced);
  }

  Collection<Map<String, Object>> objects() {
    return cache.all();
  }

  /** The objects of one namespace; none of a cluster-scoped kind, whose objects have no namespace. */
  Collection<Map<String, Object>> objects(String namespace) {
    return cache.in(namespace);
  }

  ResolvedKind kind() {
    return kind;
  }

  List<WatchStatus> statuses() {
    List<WatchStatus> out = new ArrayList<>();
    for (NamespaceWatch w : watches) {
      out.add(new WatchStatus(kind.group(), kind.version(), kind.kind(), w.namespace == null ? "" : w.namespace,
          w.loop.up(), w.loop.downSince(), w.loop.secondsSinceContact(), w.loop.relists()));
    }
    return out;
  }

  /** Since when the first of its watches that is down went down; null when all are up. */
  java.time.Instant downSince() {
    java.time.Instant first = null;
    for (NamespaceWatch w : watches) {
      java.time.Instant since = w.loop.downSince();
      if (since != null && (first == null || since.isBefore(first))) {
        first = since;
      }
    }
    return first;
  }

  /** Informer events by type: add, update, delete. */
  Map<String, Long> events() {
    Map<String, Long> out = new java.util.TreeMap<>();
    events.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  @Override
  public void close() {
    watches.forEach(w -> w.loop.close());
    watches.clear();
    cache.clear();
  }

  private static String key(GenericKubernetesResource r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  private static String namespace(GenericKubernetesResource r) {
    String ns = r.getMetadata().getNamespace();
    return ns == null ? "" : ns;
  }

  private boolean forget(GenericKubernetesResource r) {
    return cache.forget(namespace(r), r.getMetadata().getName());
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> convert(GenericKubernetesResource obj) {
    try {
      Map<String, Object> map = client.getKubernetesSerialization().convertValue(obj, Map.class);
      if (secrets) {
        // Configs that read Secret data are refused; this keeps credentials out of memory as well.
        map.remove("data");
        map.remove("stringData");
      }
      return map;
    } catch (RuntimeException e) {
      logger.log(Level.WARNING, "cannot read " + kind.kind() + " " + key(obj) + ": " + e.getMessage());
      return null;
    }
  }

  private boolean owns(GenericKubernetesResource r) {
    return sharding.owns(r.getMetadata().getUid());
  }

  private void count(String type) {
    events.computeIfAbsent(type, k -> new LongAdder()).increment();
  }

  /** The list-watch loop of one namespace (or of all) and how many of its objects the cache holds. */
  private static final class NamespaceWatch {
    final String namespace;
    final java.util.concurrent.atomic.AtomicInteger cached = new java.util.concurrent.atomic.AtomicInteger();
    ListWatch loop;

    NamespaceWatch(String namespace) {
      this.namespace = namespace;
    }

    boolean synced() {
      return loop.listed();
    }
  }

  /** Converts at event time, so that a collection only reads ready-made maps. */
  private final class Handler implements ListWatch.Sink {
    private final NamespaceWatch watch;
    private final long started;

    Handler(NamespaceWatch watch, long started) {
      this.watch = watch;
      this.started = started;
    }

    @Override
    public void listed() {
      logger.info(String.format("synced %,d %s%s in %.1f s", watch.cached.get(), kind.plural(),
          watch.namespace == null ? "" : " in namespace " + watch.namespace, (System.nanoTime() - started) / 1e9));
    }

    @Override
    public void gone(String why) {
      onGone.accept(why);
    }

    @Override
    public void added(GenericKubernetesResource obj) {
      count("add");
      put(obj);
    }

    @Override
    public void updated(GenericKubernetesResource newObj) {
      count("update");
      put(newObj);
    }

    @Override
    public void deleted(GenericKubernetesResource obj) {
      count("delete");
      if (forget(obj)) {
        watch.cached.decrementAndGet();
      }
    }

    private void put(GenericKubernetesResource obj) {
      if (!owns(obj)) {
        // A relist reports an object recreated under the same name as an update of the old one,
        // which may have been this shard's.
        if (forget(obj)) {
          watch.cached.decrementAndGet();
        }
        return;
      }
      Map<String, Object> whole = convert(obj);
      if (whole == null) {
        return;
      }
      String ns = namespace(obj);
      try {
        if (cache.put(ns, obj.getMetadata().getName(), whole)) {
          watch.cached.incrementAndGet();
        }
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "cannot read " + kind.kind() + " " + key(obj) + ": " + e.getMessage());
      }
    }
  }
}
