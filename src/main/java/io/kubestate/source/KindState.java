package io.kubestate.source;

/** Where the watch of one kind stands. */
public enum KindState {
  /** The API does not serve the kind (yet), or could not be asked; retried with backoff. */
  WAITING,
  /** Informers started, first list not complete. */
  SYNCING,
  /** Every informer of the kind has listed once and is watching. */
  SYNCED
}
