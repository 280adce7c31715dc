package io.kubestate.source;

/**
 * How one informer (one kind in one namespace, or cluster-wide) is doing, for self-telemetry.
 *
 * @param namespace the watched namespace, or empty when watching all namespaces
 * @param up whether it has listed and is not failing since its last successful list
 */
public record WatchStatus(String group, String version, String kind, String namespace, boolean up) {}
