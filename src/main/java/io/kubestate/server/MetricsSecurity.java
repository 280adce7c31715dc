package io.kubestate.server;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestate.telemetry.MetricsAccess;
import java.time.Duration;

/**
 * What guards the metrics endpoint: TLS from files checked every {@code period}, and Kubernetes
 * authentication and authorization of its readers, each when asked for. Health stays on its own
 * port, plain, for the kubelet's probes.
 */
public final class MetricsSecurity implements AutoCloseable {
  private final MetricsTls tls;
  private final KubernetesAuth auth;
  private final MetricsAccess access;

  private MetricsSecurity(MetricsTls tls, KubernetesAuth auth) {
    this.tls = tls;
    this.auth = auth;
    this.access = new MetricsAccess(tls == null ? null : tls.configurator(), auth);
  }

  /**
   * Loads the TLS files when given (failing on a pair that does not load) and reviews tokens
   * through {@code client} when {@code kubernetesAuth}.
   *
   * @param tlsFiles the serving pair and optional client CA, or null for plain HTTP
   */
  public static MetricsSecurity start(MetricsTls.TlsFiles tlsFiles, boolean kubernetesAuth, KubernetesClient client,
      Duration period) {
    MetricsTls tls = tlsFiles == null ? null : MetricsTls.start(tlsFiles, period);
    return new MetricsSecurity(tls, kubernetesAuth ? new KubernetesAuth(client) : null);
  }

  public MetricsAccess access() {
    return access;
  }

  /** Counts the refused requests in the self metrics. */
  public void report(SelfTelemetry self) {
    if (auth != null) {
      self.denials(auth::denials);
    }
  }

  /** How the endpoint is guarded, for the start-up line. */
  public String describe() {
    if (tls == null && auth == null) {
      return "open to all";
    }
    String readers = auth == null ? "" : "readers allowed to " + KubernetesAuth.VERB + " " + KubernetesAuth.PATH
        + " by a Kubernetes token";
    String transport = tls == null ? "" : "TLS" + (tls.clientCertificates() ? " with client certificates" : "");
    return transport.isEmpty() ? readers : readers.isEmpty() ? transport : transport + ", " + readers;
  }

  @Override
  public void close() {
    if (tls != null) {
      tls.close();
    }
  }
}
