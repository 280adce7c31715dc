package io.kubestate.source;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.logging.Logger;

/**
 * Whether the list-watch loops of one API server read their lists as streaming watches
 * ({@code sendInitialEvents=true}): the API server then sends each object from its watch cache as an
 * event, ended by a bookmark, instead of pages that each build a response of 500 objects, read from
 * etcd when no resourceVersion is given.
 *
 * <p>API servers from 1.27 know the parameter, and either serve it or refuse it (422) when their
 * WatchList feature is off (the default in 1.27 to 1.31, and in 1.33). Older ones refuse the
 * {@code resourceVersionMatch} that goes with it. Servers that claim no version (test doubles,
 * some proxies) are not asked; one that ignores the parameter is found out when nothing arrives.
 * Either way the first refusal turns streaming off for the process, so each later list is paged at
 * once.
 */
final class StreamingLists {
  private static final Logger logger = Logger.getLogger(StreamingLists.class.getName());
  private static final int FIRST_MINOR = 27;

  private final KubernetesClient client;
  private final boolean wanted;
  private volatile Boolean served;

  StreamingLists(KubernetesClient client, boolean wanted) {
    this.client = client;
    this.wanted = wanted;
  }

  /** Whether the next list is asked for as a stream. */
  boolean use() {
    if (!wanted) {
      return false;
    }
    Boolean known = served;
    if (known == null) {
      synchronized (this) {
        if (served == null) {
          served = knowsParameter();
        }
        known = served;
      }
    }
    return known;
  }

  /** The API server refused or ignored a streaming list: paged lists from now on. */
  void refused(String server, String why) {
    synchronized (this) {
      if (Boolean.FALSE.equals(served)) {
        return;
      }
      served = false;
    }
    logger.info("the API server at " + server + " does not serve streaming lists (sendInitialEvents): " + why
        + "; listing in pages instead");
  }

  private boolean knowsParameter() {
    VersionInfo version;
    try {
      version = client.getKubernetesVersion();
    } catch (RuntimeException e) {
      logger.fine("no version from the API server, listing in pages: " + ApiFailure.rootMessage(e));
      return false;
    }
    int major = leadingNumber(version == null ? null : version.getMajor());
    int minor = leadingNumber(version == null ? null : version.getMinor());
    return major > 1 || major == 1 && minor >= FIRST_MINOR;
  }

  /** "33+" as some managed clusters report their minor version is 33. */
  private static int leadingNumber(String s) {
    if (s == null) {
      return -1;
    }
    int end = 0;
    while (end < s.length() && Character.isDigit(s.charAt(end))) {
      end++;
    }
    return end == 0 ? -1 : Integer.parseInt(s.substring(0, Math.min(end, 9)));
  }
}
