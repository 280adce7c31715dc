package io.kubestate.source;

/** Where the watch of one kind stands. */
public enum KindState {
  /** The API could not be asked (unreachable, forbidden discovery); retried with backoff. */
  WAITING,
  /**
   * The API serves none of the kind's versions (its CRD is not installed). Retried, and started as
   * soon as the CRD appears; it does not hold readiness back, so that a preset naming an optional
   * project does not block a rollout.
   */
  NOT_SERVED,
  /** Informers started, first list not complete. */
  SYNCING,
  /** Every informer of the kind has listed once and is watching. */
  SYNCED
}
