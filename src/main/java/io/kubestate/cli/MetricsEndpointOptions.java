package io.kubestate.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestate.server.MetricsSecurity;
import io.kubestate.server.MetricsTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the Prometheus endpoint listens and who may read it. */
final class MetricsEndpointOptions {
  static final String HOST_VARIABLE = "OTEL_EXPORTER_PROMETHEUS_HOST";
  static final String AUTH_NONE = "none";
  static final String AUTH_KUBERNETES = "kubernetes";

  @Option(names = "--metrics-host", paramLabel = "HOST",
      description = "Address of the Prometheus endpoint (default: OTEL_EXPORTER_PROMETHEUS_HOST, else 0.0.0.0; "
          + "127.0.0.1 with --demo).")
  String host;

  @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "${env:OTEL_EXPORTER_PROMETHEUS_PORT:-9464}",
      description = "Port of the Prometheus endpoint, path /metrics (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--metrics-tls-cert-file", paramLabel = "FILE",
      description = "Serve the endpoint over TLS (1.2 or later, plain HTTP refused) with this PEM certificate, its "
          + "chain after it. Read again when it changes. Needs --metrics-tls-key-file.")
  Path tlsCert;

  @Option(names = "--metrics-tls-key-file", paramLabel = "FILE",
      description = "The PEM private key of --metrics-tls-cert-file (PKCS#8, or PKCS#1 for RSA).")
  Path tlsKey;

  @Option(names = "--metrics-tls-client-ca-file", paramLabel = "FILE",
      description = "Require a client certificate signed by a CA in this PEM file (with TLS only).")
  Path tlsClientCa;

  @Option(names = "--metrics-auth", paramLabel = "MODE", defaultValue = AUTH_NONE,
      description = "Who may read the endpoint: none (anyone who reaches it) or kubernetes (a bearer token the API "
          + "accepts, of someone allowed to get the non-resource URL /metrics; needs create on tokenreviews and "
          + "subjectaccessreviews) (default: ${DEFAULT-VALUE}).")
  String auth;

  /** What is wrong with the options, or null. */
  String problem() {
    if (!auth.equals(AUTH_NONE) && !auth.equals(AUTH_KUBERNETES)) {
      return "--metrics-auth: expected none or kubernetes, got " + auth;
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      return "--metrics-tls-cert-file and --metrics-tls-key-file go together: give both or neither";
    }
    if (tlsClientCa != null && tlsCert == null) {
      return "--metrics-tls-client-ca-file needs --metrics-tls-cert-file and --metrics-tls-key-file";
    }
    return null;
  }

  boolean kubernetesAuth() {
    return auth.equals(AUTH_KUBERNETES);
  }

  /** The address to bind: the option, else the SDK's variable, else all interfaces (only this machine for the demo). */
  String host(boolean demo, Map<String, String> env) {
    if (host != null) {
      return host;
    }
    String fromEnv = env.get(HOST_VARIABLE);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    return demo ? "127.0.0.1" : "0.0.0.0";
  }

  /**
   * Starts what guards the endpoint; files are checked for changes every {@code period}.
   *
   * @throws UnusableFiles when the TLS files do not load
   */
  MetricsSecurity start(KubernetesClient client, Duration period) {
    MetricsTls.TlsFiles files = tlsCert == null ? null : new MetricsTls.TlsFiles(tlsCert, tlsKey, tlsClientCa);
    try {
      return MetricsSecurity.start(files, kubernetesAuth(), client, period);
    } catch (IllegalArgumentException e) {
      throw new UnusableFiles(e.getMessage(), e);
    }
  }

  /** Files named on the command line that cannot be used: a user's mistake, said without a stack trace. */
  static final class UnusableFiles extends RuntimeException {
    UnusableFiles(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
