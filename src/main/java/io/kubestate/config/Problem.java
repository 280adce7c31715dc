package io.kubestate.config;

/** One thing wrong with a config, at the place it was written. */
public record Problem(Position position, String message) {

  /** The {@code FILE:LINE:COLUMN: message} form that editors and CI annotate. */
  @Override
  public String toString() {
    return position + ": " + message;
  }
}
