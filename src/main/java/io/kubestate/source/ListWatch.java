package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Lists one kind (in one namespace, or in all) and watches it from the listed resourceVersion, on
 * fabric8's watch API rather than its informer: the informer lists everything again whenever a
 * watch request fails before the watch is established, which at 100,000 objects is hundreds of
 * megabytes per retry. Here a failed watch is retried from the last resourceVersion with backoff,
 * and only a 410 Gone (the version is no longer in the API server's window) lists again. A list is
 * a streaming watch where the API server serves one ({@link StreamingLists}), else paged.
 *
 * <p>The client this runs on must not reconnect a watch by itself (a reconnect limit of 0): each
 * end of a watch then comes here, so that a watch that is down shows.
 */
final class ListWatch implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(ListWatch.class.getName());

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
  private final FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> operation;
  private final WatchSettings settings;
  private final String server;
  private final Sink sink;
  private final ObjectVersions versions;
  private final WatchHealth health;
  private final WatchRetries retries;
  private final StreamingLists streaming;
  private final Map<String, LongAdder> relists = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private volatile String resourceVersion;
  private volatile boolean listed;
  private volatile boolean closed;
  private int generation;
  private Watch watch;

  /**
   * @param resource the plural and group ("pipelineruns.tekton.dev")
   * @param namespace the watched namespace, null for all
   */
  ListWatch(String resource, String namespace, FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> operation, WatchSettings settings, String server, StreamingLists streaming,
      Sink sink) {
    int dot = resource.indexOf('.');
    this.what = (dot < 0 ? resource : resource.substring(0, dot)) + (namespace == null ? "" : " in namespace " + namespace);
    this.operation = operation;
    this.settings = settings;
    this.server = server;
    this.sink = sink;
    this.versions = new ObjectVersions(sink);
    this.health = new WatchHealth(what, resource, namespace, server, settings);
    this.retries = new WatchRetries(what, settings);
    this.streaming = streaming;
  }

  void start() {
    retries.submit(() -> list(null));
  }

  /** The listed version of an object, or null when it is not known. */
  String version(GenericKubernetesResource obj) {
    return versions.version(obj);
  }

  boolean listed() {
    return listed;
  }

  /** See {@link WatchHealth#up}. */
  boolean up() {
    return health.up(listed);
  }

  /** Since when the watch is down, or null while it is up. */
  Instant downSince() {
    return health.downSince(listed);
  }

  /** Seconds since the last list, event or bookmark received; null before the first list. */
  Double secondsSinceContact() {
    return health.secondsSinceContact();
  }

  /** Full lists after the first, by reason. */
  Map<String, Long> relists() {
    Map<String, Long> out = new TreeMap<>();
    relists.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /**
   * Reads the whole collection, as a stream where the API server serves one, else in pages;
   * {@code reason} is null for the first list, else why the cache is read again.
   */
  private void list(String reason) {
    if (closed) {
      return;
    }
    if (reason != null) {
      relists.computeIfAbsent(reason, k -> new LongAdder()).increment();
    }
    if (streaming.use()) {
      stream(reason);
    } else {
      page(reason);
    }
  }

  private void page(String reason) {
    Listing listing = new Listing(versions, reason);
    String version;
    try {
      version = PagedList.read(operation, settings.listPage(), listing::add, () -> closed);
    } catch (RuntimeException e) {
      if (!closed && !gone(e)) {
        health.failed("list", e, listed);
        retries.retry(() -> list(reason));
      }
      return;
    }
    complete(listing.seen(), version);
    watch();
  }

  /**
   * A watch that first sends every object, then a bookmark that marks the end of them, and goes on
   * as the watch from there: no response of the whole collection is built, and no second request
   * opens the watch.
   */
  private void stream(String reason) {
    int attempt = nextAttempt();
    if (attempt < 0) {
      return;
    }
    Attempt listener = new Attempt(attempt, new Listing(versions, reason));
    Watch opened;
    try {
      opened = operation.watch(new ListOptionsBuilder().withSendInitialEvents(true)
          .withResourceVersionMatch("NotOlderThan").withAllowWatchBookmarks(true)
          .withTimeoutSeconds(settings.watchTimeout().toSeconds()).build(), listener);
    } catch (RuntimeException e) {
      if (closed || gone(e)) {
        return;
      }
      int code = ApiFailure.code(e);
      if (code == 400 || code == 422) {
        streaming.refused(server, ApiFailure.describe(e, server));
        page(reason);
        return;
      }
      health.failed("list", e, listed);
      retries.retry(() -> list(reason));
      return;
    }
    if (!hold(attempt, opened)) {
      return;
    }
    retries.after(settings.firstEventWait(), () -> {
      if (!listener.received && listener.current() && abandon(attempt)) {
        streaming.refused(server, "nothing arrived within " + settings.firstEventWait().toSeconds()
            + " s of asking for one");
        page(reason);
      }
    });
  }

  /** The number of a new watch request, which supersedes any before it; -1 once the loop stopped. */
  private int nextAttempt() {
    synchronized (lock) {
      return closed ? -1 : ++generation;
    }
  }

  /** Keeps {@code opened} as the loop's watch, unless the loop stopped or a newer attempt started meanwhile. */
  private boolean hold(int attempt, Watch opened) {
    synchronized (lock) {
      if (!closed && attempt == generation) {
        watch = opened;
        return true;
      }
    }
    opened.close();
    return false;
  }

  /** Closes the watch of {@code attempt} if it is still the current one. */
  private boolean abandon(int attempt) {
    Watch open;
    synchronized (lock) {
      if (closed || attempt != generation) {
        return false;
      }
      generation++;
      open = watch;
      watch = null;
    }
    if (open != null) {
      open.close();
    }
    return true;
  }

  /** The whole collection is read: objects not seen are gone, and the watch goes on from {@code version}. */
  private void complete(Set<String> seen, String version) {
    versions.keepOnly(seen);
    resourceVersion = version;
    health.contact();
    if (!listed) {
      listed = true;
      sink.listed();
    }
  }

  private void watch() {
    int attempt = nextAttempt();
    if (attempt < 0) {
      return;
    }
    Watch opened;
    try {
      opened = operation.watch(new ListOptionsBuilder().withResourceVersion(resourceVersion)
          .withAllowWatchBookmarks(true).withTimeoutSeconds(settings.watchTimeout().toSeconds()).build(),
          new Attempt(attempt, null));
    } catch (RuntimeException e) {
      if (closed || gone(e)) {
        return;
      }
      if (ApiFailure.code(e) == 410) {
        expired();
        return;
      }
      health.failed("watch", e, listed);
      retries.retry(this::watch);
      return;
    }
    if (!hold(attempt, opened)) {
      return;
    }
    health.watching(resourceVersion);
  }

  /**
   * Lists again, after the backoff: a watch that answers 410 at once after each list would
   * otherwise list in a loop.
   */
  private void expired() {
    health.expired(resourceVersion);
    retries.retry(() -> list("expired"));
  }

  private boolean gone(RuntimeException e) {
    if (ApiFailure.code(e) != 404) {
      return false;
    }
    close();
    sink.gone(ApiFailure.describe(e, server));
    return true;
  }

  @Override
  public void close() {
    Watch open;
    synchronized (lock) {
      closed = true;
      generation++;
      open = watch;
      watch = null;
      retries.close();
    }
    health.stopped();
    if (open != null) {
      open.close();
    }
  }

  /** One watch request; its callbacks are ignored once a newer one started or the loop stopped. */
  private final class Attempt implements Watcher<GenericKubernetesResource> {
    private final int id;
    private final long opened = System.currentTimeMillis();
    private volatile boolean received;
    /** The streaming list in progress; null once it is complete, or for a plain watch. */
    private Listing initial;

    Attempt(int id, Listing initial) {
      this.id = id;
      this.initial = initial;
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
      health.contact();
      retries.reset();
      String version = obj == null || obj.getMetadata() == null ? null : obj.getMetadata().getResourceVersion();
      if (initial != null) {
        if (initial.accept(action, obj)) {
          Set<String> seen = initial.seen();
          initial = null;
          complete(seen, version);
          health.watching(version);
        }
        return;
      }
      if (version != null) {
        resourceVersion = version;
      }
      switch (action) {
        case ADDED, MODIFIED -> versions.apply(obj);
        case DELETED -> versions.delete(obj);
        default -> { }
      }
    }

    @Override
    public void onClose(WatcherException e) {
      if (!current()) {
        return;
      }
      health.down();
      synchronized (lock) {
        watch = null;
      }
      if (initial != null) {
        // The stream ended before its last object: the cache is not complete, so it is read again.
        if (e.getCause() != null) {
          health.failed("list", e, listed);
        }
        String reason = initial.reason;
        retries.retry(() -> list(reason));
      } else if (e.isHttpGone()) {
        expired();
      } else if (e.getCause() == null) {
        // Every watch ends: the API server closes it after its timeout, or the connection drops.
        logger.fine("watch of " + what + " ended, resuming from resourceVersion " + resourceVersion);
        if (received || System.currentTimeMillis() - opened >= settings.maxRetry().toMillis()) {
          retries.reset();
          retries.submit(ListWatch.this::watch);
        } else {
          retries.retry(ListWatch.this::watch);
        }
      } else {
        health.failed("watch", e, listed);
        retries.retry(ListWatch.this::watch);
      }
    }

    @Override
    public void onClose() {
      // Closed here, on purpose.
    }
  }
}
