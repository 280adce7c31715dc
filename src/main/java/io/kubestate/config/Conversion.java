package io.kubestate.config;

import java.util.Locale;

/** How a value read from an object becomes a number. */
public enum Conversion {
  /**
   * Numbers as they are; booleans, "True"/"False"/"Unknown", yes/no, RFC3339 timestamps,
   * quantities ("512Mi"), percentages ("50%" is 0.5) and durations with hours or seconds ("1h30m");
   * "5m", which reads as a quantity or a duration, needs an explicit conversion.
   */
  AUTO,
  NUMBER,
  BOOLEAN,
  /** RFC3339 to seconds since the epoch, sub-second precision kept. */
  TIMESTAMP,
  /** "1h30m", "250ms" to seconds. */
  DURATION,
  /** Kubernetes resource quantities: "250m" is 0.25, "1Ki" 1024. */
  QUANTITY,
  /** Exactly what kube-state-metrics' custom resource metrics do, for configs translated from it. */
  KUBE_STATE_METRICS;

  public String word() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Conversion fromWord(String word) {
    return valueOf(word.toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
