package io.kubestate.source;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Whether one list-watch loop is up, since when it is down, and the failure it last logged: each
 * failure is logged once, and again only when it changes, with what to do about it when that is
 * known.
 */
final class WatchHealth {
  /** Under the loop's name: these lines tell of its list and watch. */
  private static final Logger logger = Logger.getLogger(ListWatch.class.getName());

  private final String what;
  private final String resource;
  private final String namespace;
  private final String server;
  private final WatchSettings settings;
  private volatile boolean watching;
  private volatile boolean everWatched;
  private volatile long downSince = System.currentTimeMillis();
  private volatile long lastContact;
  private volatile String failure;

  /**
   * @param what the loop in words ("pipelineruns in namespace ci")
   * @param resource the plural and group ("pipelineruns.tekton.dev")
   * @param namespace the watched namespace, null for all
   * @param server the API server's address, named when a request did not reach it
   */
  WatchHealth(String what, String resource, String namespace, String server, WatchSettings settings) {
    this.what = what;
    this.resource = resource;
    this.namespace = namespace;
    this.server = server;
    this.settings = settings;
  }

  /**
   * Listed, and watching or was within the grace period: the end of a watch, which the API server
   * does every few minutes, is no outage while the next one opens.
   */
  boolean up(boolean listed) {
    long since = downSince;
    return listed && (watching
        || everWatched && since > 0 && System.currentTimeMillis() - since < settings.grace().toMillis());
  }

  /** Since when the watch is down, or null while it is up. */
  Instant downSince(boolean listed) {
    long since = downSince;
    return up(listed) || since == 0 ? null : Instant.ofEpochMilli(since);
  }

  /** Seconds since the last list, event or bookmark received; null before the first list. */
  Double secondsSinceContact() {
    long last = lastContact;
    return last == 0 ? null : (System.currentTimeMillis() - last) / 1000.0;
  }

  /** A list, event or bookmark was received. */
  void contact() {
    lastContact = System.currentTimeMillis();
  }

  /** A watch is open from {@code resourceVersion}. */
  void watching(String resourceVersion) {
    watching = true;
    everWatched = true;
    downSince = 0;
    if (failure != null) {
      logger.info(what + " recovered");
      logger.fine(what + ": watching from resourceVersion " + resourceVersion);
      failure = null;
    }
  }

  void down() {
    watching = false;
    if (downSince == 0) {
      downSince = System.currentTimeMillis();
    }
  }

  /** Watching stopped on purpose. */
  void stopped() {
    watching = false;
  }

  /** The watch from {@code resourceVersion} was answered 410 Gone. */
  void expired(String resourceVersion) {
    String message = "resourceVersion " + resourceVersion + " of " + what + " is too old for the API server"
        + " (410 Gone): listing again";
    logger.log(message.equals(failure) ? Level.FINE : Level.INFO, message);
    failure = message;
    down();
  }

  /** @param listed whether the cache holds a full list, which is served meanwhile */
  void failed(String verb, Throwable t, boolean listed) {
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
}
