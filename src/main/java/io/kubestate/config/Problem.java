package io.kubestate.config;

/**
 * One thing wrong with a config, at the place it was written. A warning marks something the config
 * can run with but that does not do what its author probably meant (kube-state-metrics silently
 * ignores such things; here they are said).
 */
public record Problem(Position position, String message, boolean warning) {
  /** By position; problems at one place keep the order they were found in (sorts are stable). */
  public static final java.util.Comparator<Problem> BY_POSITION = java.util.Comparator.comparing(Problem::position);

  public Problem(Position position, String message) {
    this(position, message, false);
  }

  /** The {@code FILE:LINE:COLUMN: message} form that editors and CI annotate. */
  @Override
  public String toString() {
    return position + ": " + (warning ? "warning: " : "") + message;
  }
}
