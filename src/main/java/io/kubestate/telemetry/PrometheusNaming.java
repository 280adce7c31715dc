package io.kubestate.telemetry;

/**
 * The names the Prometheus endpoint gives OpenTelemetry metrics and attributes, for documentation
 * and tools outside this package. It delegates to the endpoint's own translation so that the two
 * cannot drift apart.
 */
public final class PrometheusNaming {
  private static final PrometheusNames NAMES = new PrometheusNames();

  private PrometheusNaming() {}

  /** The Prometheus name of a gauge or non-monotonic sum: dots to underscores, the unit as a suffix. */
  public static String metricName(String name, String unit) {
    return NAMES.metric(name, unit);
  }

  /** The name of the family the endpoint serves: {@link #metricName}, and {@code _total} on a counter. */
  public static String familyName(String name, String unit, boolean counter) {
    return NAMES.family(name, unit, counter);
  }

  public static String labelName(String attributeKey) {
    return NAMES.label(attributeKey);
  }
}
