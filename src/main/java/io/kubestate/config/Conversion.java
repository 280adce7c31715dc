package io.kubestate.config;

import java.util.Locale;

/** How a value read from an object becomes a number. */
public enum Conversion {
  /** Numbers as they are; booleans, "True"/"False"/"Unknown", yes/no and RFC3339 timestamps too. */
  AUTO,
  NUMBER,
  BOOLEAN,
  /** RFC3339 to seconds since the epoch, sub-second precision kept. */
  TIMESTAMP,
  /** "1h30m", "250ms" to seconds. */
  DURATION;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
