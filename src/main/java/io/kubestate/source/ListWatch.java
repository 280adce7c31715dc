package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Lists one kind (in one namespace, or in all) and watches it from the listed resourceVersion, on
 * fabric8's watch API rather than its informer: the informer lists everything again whenever a
 * watch request fails before the watch is established, which at 100,000 objects is hundreds of
 * megabytes per retry. Here a failed watch is retried from the last resourceVersion with backoff,
 * and only a 410 Gone (the version is no longer in the API server's window) lists again.
 *
 * <p>The client this runs on must not reconnect a watch by itself (a reconnect limit of 0): each
 * end of a watch then comes here, so that a watch that is down shows.
 */
final class ListWatch implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(ListWatch.class.getName());
  /** Blocking steps (list pages, watch handshakes) of every kind; threads end when idle. */
  private static final ExecutorService WORK = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "list-watch");
    t.setDaemon(true);
    return t;
  });
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "list-watch-retry");
    t.setDaemon(true);
    return t;
  });

  /** What the watched objects become in the cache. */
  interface Sink {
    void added(GenericKubernetesResource obj);

    void updated(GenericKubernetesResource obj);

    /** Of a deleted object, only its name, namespace and uid are known for sure. */
    void deleted(GenericKubernetesResource obj);

    /** The first list has been received in full. */
    void listed();

    /** The API answered 404: the kind is not served any more. Nothing is retried after it. */
    void gone(String why);
  }

  private final String what;
  private final String resource;
  private final String namespace;
  private final FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> operation;
  private final WatchSettings settings;
  private final String server;
  private final Sink sink;
  private final VersionStore versions = new VersionStore();
  private final Map<String, LongAdder> relists = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private volatile String resourceVersion;
  private volatile boolean listed;
  private volatile boolean watching;
  private volatile boolean everWatched;
  private volatile boolean closed;
  private volatile long downSince = System.currentTimeMillis();
  private volatile long lastContact;
  private volatile String failure;
  private int failures;
  private int generation;
  private Watch watch;
  private Future<?> pending;

  /**
   * @param resource the plural and group ("pipelineruns.tekton.dev")
   * @param namespace the watched namespace, null for all
   */
  ListWatch(String resource, String namespace, FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> operation, WatchSettings settings, String server, Sink sink) {
    this.resource = resource;
    this.namespace = namespace;
    int dot = resource.indexOf('.');
    this.what = (dot < 0 ? resource : resource.substring(0, dot)) + (namespace == null ? "" : " in namespace " + namespace);
    this.operation = operation;
    this.settings = settings;
    this.server = server;
    this.sink = sink;
  }

  void start() {
    submit(() -> list(null));
  }

  /** The listed version of an object, or null when it is not known. */
  String version(GenericKubernetesResource obj) {
    GenericKubernetesResource known = versions.get(Cache.metaNamespaceKeyFunc(obj));
    return known == null ? null : known.getMetadata().getResourceVersion();
  }

  boolean listed() {
    return listed;
  }

  /**
   * Listed, and watching or was within the grace period: the end of a watch, which the API server
   * does every few minutes, is no outage while the next one opens.
   */
  boolean up() {
    long since = downSince;
    return listed && (watching
        || everWatched && since > 0 && System.currentTimeMillis() - since < settings.grace().toMillis());
  }

  /** Since when the watch is down, or null while it is up. */
  Instant downSince() {
    long since = downSince;
    return up() || since == 0 ? null : Instant.ofEpochMilli(since);
  }

  /** Seconds since the last list, event or bookmark received; null before the first list. */
  Double secondsSinceContact() {
    long last = lastContact;
    return last == 0 ? null : (System.currentTimeMillis() - last) / 1000.0;
  }

  /** Full lists after the first, by reason. */
  Map<String, Long> relists() {
    Map<String, Long> out = new TreeMap<>();
    relists.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Lists every page; {@code reason} is null for the first list, else why the cache is listed again. */
  private void list(String reason) {
    if (closed) {
      return;
    }
    if (reason != null) {
      relists.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }
    Set<String> seen = new HashSet<>();
    String cont = null;
    String version;
    try {
      do {
        GenericKubernetesResourceList page = operation.list(new ListOptionsBuilder()
            .withLimit(settings.listPage()).withContinue(cont).build());
        for (GenericKubernetesResource obj : page.getItems()) {
          seen.add(Cache.metaNamespaceKeyFunc(obj));
          apply(obj);
        }
        version = page.getMetadata() == null ? null : page.getMetadata().getResourceVersion();
        cont = page.getMetadata() == null ? null : page.getMetadata().getContinue();
      } while (cont != null && !cont.isEmpty() && !closed);
    } catch (RuntimeException e) {
      if (!closed && !gone(e)) {
        failed("list", e);
        retry(() -> list(reason));
      }
      return;
    }
    List<String> vanished = versions.keySet().filter(k -> !seen.contains(k)).toList();
    for (String key : vanished) {
      GenericKubernetesResource stub = versions.remove(key);
      if (stub != null) {
        sink.deleted(stub);
      }
    }
    resourceVersion = version;
    lastContact = System.currentTimeMillis();
    if (!listed) {
      listed = true;
      sink.listed();
    }
    watch();
  }

  private void watch() {
    int attempt;
    synchronized (lock) {
      if (closed) {
        return;
      }
      attempt = ++generation;
    }
    Watch opened;
    try {
      opened = operation.watch(new ListOptionsBuilder().withResourceVersion(resourceVersion)
          .withAllowWatchBookmarks(true).withTimeoutSeconds(settings.watchTimeout().toSeconds()).build(),
          new Attempt(attempt));
    } catch (RuntimeException e) {
      if (closed || gone(e)) {
        return;
      }
      if (ApiFailure.code(e) == 410) {
        expired();
        return;
      }
      failed("watch", e);
      retry(this::watch);
      return;
    }
    synchronized (lock) {
      if (closed || attempt != generation) {
        opened.close();
        return;
      }
      watch = opened;
    }
    watching = true;
    everWatched = true;
    downSince = 0;
    if (failure != null) {
      logger.info(what + " recovered");
      logger.fine(what + ": watching from resourceVersion " + resourceVersion);
      failure = null;
    }
  }

  /**
   * Lists again, after the backoff: a watch that answers 410 at once after each list would
   * otherwise list in a loop.
   */
  private void expired() {
    String message = "resourceVersion " + resourceVersion + " of " + what + " is too old for the API server"
        + " (410 Gone): listing again";
    logger.log(message.equals(failure) ? Level.FINE : Level.INFO, message);
    failure = message;
    down();
    retry(() -> list("expired"));
  }

  private boolean gone(RuntimeException e) {
    if (ApiFailure.code(e) != 404) {
      return false;
    }
    close();
    sink.gone(ApiFailure.describe(e, server));
    return true;
  }

  private void failed(String verb, Throwable t) {
    down();
    String message;
    if (ApiFailure.code(t) == 403) {
      message = "forbidden: cannot list and watch " + resource
          + (namespace == null ? " in all namespaces" : " in namespace " + namespace)
          + " (grant the verbs list and watch on this resource"
          + (namespace == null ? " cluster-wide, or restrict --namespaces)" : " in this namespace)")
          + (listed ? "; serving the last known objects until it recovers" : "");
    } else {
      message = "cannot " + verb + " " + what + ", retrying: " + ApiFailure.describe(t, server);
    }
    if (!message.equals(failure)) {
      logger.warning(message);
      logger.log(Level.FINE, what, t);
    }
    failure = message;
  }

  private void down() {
    watching = false;
    if (downSince == 0) {
      downSince = System.currentTimeMillis();
    }
  }

  private void retry(Runnable step) {
    long delay;
    synchronized (lock) {
      delay = settings.backoff(failures++).toMillis();
      if (closed) {
        return;
      }
      pending = TIMER.schedule(() -> submit(step), delay, TimeUnit.MILLISECONDS);
    }
  }

  private void submit(Runnable step) {
    try {
      WORK.execute(step);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      logger.fine("not resumed, stopping: " + what);
    }
  }

  private void apply(GenericKubernetesResource obj) {
    GenericKubernetesResource old = versions.put(versions.getKey(obj), obj);
    if (old == null) {
      sink.added(obj);
    } else if (!Objects.equals(old.getMetadata().getResourceVersion(), obj.getMetadata().getResourceVersion())
        || !Objects.equals(old.getMetadata().getUid(), obj.getMetadata().getUid())) {
      sink.updated(obj);
    }
  }

  @Override
  public void close() {
    Watch open;
    synchronized (lock) {
      closed = true;
      generation++;
      open = watch;
      watch = null;
      if (pending != null) {
        pending.cancel(false);
      }
    }
    watching = false;
    if (open != null) {
      open.close();
    }
  }

  /** One watch request; its callbacks are ignored once a newer one started or the loop stopped. */
  private final class Attempt implements Watcher<GenericKubernetesResource> {
    private final int id;
    private final long opened = System.currentTimeMillis();
    private volatile boolean received;

    Attempt(int id) {
      this.id = id;
    }

    private boolean current() {
      synchronized (lock) {
        return !closed && id == generation;
      }
    }

    @Override
    public void eventReceived(Action action, GenericKubernetesResource obj) {
      if (!current()) {
        return;
      }
      received = true;
      lastContact = System.currentTimeMillis();
      synchronized (lock) {
        failures = 0;
      }
      if (obj != null && obj.getMetadata() != null && obj.getMetadata().getResourceVersion() != null) {
        resourceVersion = obj.getMetadata().getResourceVersion();
      }
      switch (action) {
        case ADDED, MODIFIED -> apply(obj);
        case DELETED -> {
          versions.remove(versions.getKey(obj));
          sink.deleted(obj);
        }
        default -> { }
      }
    }

    @Override
    public void onClose(WatcherException e) {
      if (!current()) {
        return;
      }
      down();
      synchronized (lock) {
        watch = null;
      }
      if (e.isHttpGone()) {
        expired();
      } else if (e.getCause() == null) {
        // Every watch ends: the API server closes it after its timeout, or the connection drops.
        logger.fine("watch of " + what + " ended, resuming from resourceVersion " + resourceVersion);
        if (received || System.currentTimeMillis() - opened >= settings.maxRetry().toMillis()) {
          synchronized (lock) {
            failures = 0;
          }
          submit(ListWatch.this::watch);
        } else {
          retry(ListWatch.this::watch);
        }
      } else {
        failed("watch", e);
        retry(ListWatch.this::watch);
      }
    }

    @Override
    public void onClose() {
      // Closed here, on purpose.
    }
  }
}
