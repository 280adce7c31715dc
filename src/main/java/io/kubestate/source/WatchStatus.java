package io.kubestate.source;

import java.time.Instant;
import java.util.Map;

/**
 * How the watch of one kind (in one namespace, or cluster-wide) is doing, for self-telemetry and
 * readiness.
 *
 * @param namespace the watched namespace, or empty when watching all namespaces
 * @param up listed, and watching (or was within the last few seconds, while a watch the API server
 *     ended is opened again)
 * @param downSince since when the watch is down; null while up, or when it never listed
 * @param sinceContact seconds since the last list, event or bookmark; null before the first list
 * @param relists full lists after the first, by reason
 */
public record WatchStatus(String group, String version, String kind, String namespace, boolean up,
    Instant downSince, Double sinceContact, Map<String, Long> relists) {
  public WatchStatus(String group, String version, String kind, String namespace, boolean up) {
    this(group, version, kind, namespace, up, null, null, Map.of());
  }
}
