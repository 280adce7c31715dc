package io.kubestate.telemetry;

import java.util.Map;

/**
 * How the exporter publishes: the Prometheus endpoint, the per-instrument cardinality limit, the
 * Resource attributes it adds, and property overrides that take precedence over the standard
 * OTEL_* environment variables (tests use them; the command line leaves them empty).
 *
 * @param clusterName {@code k8s.cluster.name}, or null
 * @param metricsAccess TLS and authorization on the Prometheus endpoint(s)
 */
public record TelemetrySettings(
    String metricsHost,
    int metricsPort,
    int cardinalityLimit,
    String clusterName,
    String serviceVersion,
    String serviceInstanceId,
    Map<String, String> propertyOverrides,
    MetricsAccess metricsAccess) {

  /** Settings with an endpoint open to anyone, over plain HTTP. */
  public TelemetrySettings(String metricsHost, int metricsPort, int cardinalityLimit, String clusterName,
      String serviceVersion, String serviceInstanceId, Map<String, String> propertyOverrides) {
    this(metricsHost, metricsPort, cardinalityLimit, clusterName, serviceVersion, serviceInstanceId, propertyOverrides,
        MetricsAccess.OPEN);
  }

  public TelemetrySettings {
    propertyOverrides = Map.copyOf(propertyOverrides);
    metricsAccess = metricsAccess == null ? MetricsAccess.OPEN : metricsAccess;
    if (cardinalityLimit < 2) {
      throw new IllegalArgumentException("cardinality limit must be at least 2, got " + cardinalityLimit);
    }
  }
}
