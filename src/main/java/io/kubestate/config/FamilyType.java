package io.kubestate.config;

/** The shape of a metric family, as in OpenMetrics. */
public enum FamilyType {
  /** A number read from the object. */
  GAUGE,
  /** One series per possible state: 1 for the current one, 0 for the others. */
  STATESET,
  /** Always 1; the information is in the attributes. */
  INFO;

  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
