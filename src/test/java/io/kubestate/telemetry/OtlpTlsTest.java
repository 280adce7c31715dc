package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kubestate.testing.Certificates;
import io.kubestate.testing.OtlpReceiver;
import io.kubestate.testing.OtlpReceiver.Point;
import io.kubestate.testing.Ports;
import io.opentelemetry.api.metrics.ObservableDoubleGauge;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * OTLP to a receiver over TLS, configured only by the standard OTEL_EXPORTER_OTLP_* settings (as
 * property overrides): the CA to trust, headers, and a client key and certificate for mutual TLS;
 * over HTTP and gRPC (and gRPC over cleartext HTTP/2), and through otel-config/sdk-config.yaml,
 * which names the same variables.
 */
class OtlpTlsTest {
  private static final String SCOPE = "tls.test";
  private static final String HEADERS = "authorization=Bearer t0k3n,x-tenant=team-a";

  // keytool is a JVM start each: made once for all the tests.
  @TempDir static Path tmp;
  private static Certificates.Identity server;
  private static Certificates.Identity client;
  private OtlpReceiver receiver;
  private Telemetry telemetry;
  private ObservableDoubleGauge probe;

  @BeforeAll
  static void certificates() {
    server = Certificates.selfSigned(tmp, "otlp-receiver");
    client = Certificates.selfSigned(tmp, "kube-state-otel");
  }

  @AfterEach
  void close() {
    if (probe != null) {
      probe.close();
    }
    if (telemetry != null) {
      telemetry.close();
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void httpProtobufOverHttpsTrustsTheGivenCertificateAndSendsTheHeaders() {
    receiver = OtlpReceiver.start(new OtlpReceiver.Tls(server, null));
    assertThat(receiver.endpoint()).startsWith("https://127.0.0.1:");
    start(Map.of(
        "otel.metrics.exporter", "otlp",
        "otel.exporter.otlp.protocol", "http/protobuf",
        "otel.exporter.otlp.endpoint", receiver.endpoint(),
        "otel.exporter.otlp.certificate", server.certificatePem().toString(),
        "otel.exporter.otlp.headers", HEADERS));

    assertReceived("");
  }

  @ParameterizedTest(name = "configuration file: {0}")
  @ValueSource(booleans = {false, true})
  void mutualTlsOverHttpWithTheClientKeyAndCertificate(boolean configFile) throws Exception {
    receiver = OtlpReceiver.start(new OtlpReceiver.Tls(server, client.certificatePem()));
    Map<String, String> overrides = new HashMap<>(Map.of(
        "otel.exporter.otlp.certificate", server.certificatePem().toString(),
        "otel.exporter.otlp.client.key", client.keyPem().toString(),
        "otel.exporter.otlp.client.certificate", client.certificatePem().toString(),
        "otel.exporter.otlp.headers", HEADERS));
    if (configFile) {
      overrides.putAll(Map.of(
          "otel.config.file", Path.of("otel-config/sdk-config.yaml").toAbsolutePath().toString(),
          "otel.exporter.otlp.metrics.endpoint", receiver.endpoint() + "/v1/metrics",
          "otel.exporter.prometheus.host", "127.0.0.1",
          "otel.exporter.prometheus.port", Integer.toString(Ports.free())));
    } else {
      overrides.putAll(Map.of(
          "otel.metrics.exporter", "otlp",
          "otel.exporter.otlp.protocol", "http/protobuf",
          "otel.exporter.otlp.endpoint", receiver.endpoint()));
    }
    start(overrides);

    assertReceived("CN=kube-state-otel");
    assertThatThrownBy(() -> postWithoutClientCertificate(receiver.endpoint() + "/v1/metrics"))
        .isInstanceOf(IOException.class);
  }

  @ParameterizedTest(name = "mutual TLS: {0}")
  @ValueSource(booleans = {true, false})
  void grpcWithTheHeaders(boolean tls) {
    receiver = OtlpReceiver.startGrpc(tls ? new OtlpReceiver.Tls(server, client.certificatePem()) : null);
    Map<String, String> overrides = new HashMap<>(Map.of(
        "otel.metrics.exporter", "otlp",
        "otel.exporter.otlp.protocol", "grpc",
        "otel.exporter.otlp.endpoint", receiver.endpoint(),
        "otel.exporter.otlp.headers", HEADERS,
        "otel.exporter.otlp.compression", "gzip"));
    if (tls) {
      overrides.putAll(Map.of(
          "otel.exporter.otlp.certificate", server.certificatePem().toString(),
          "otel.exporter.otlp.client.key", client.keyPem().toString(),
          "otel.exporter.otlp.client.certificate", client.certificatePem().toString()));
    }
    start(overrides);

    assertReceived(tls ? "CN=kube-state-otel" : "");
  }

  private void start(Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(overrides);
    all.put("otel.metric.export.interval", "200");
    telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 100, null, "1.2.3", "instance-1", all));
    probe = telemetry.meter(SCOPE, "1").gaugeBuilder("tls.probe").buildWithCallback(m -> m.record(42));
  }

  private void assertReceived(String clientPrincipal) {
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
        .until(() -> !receiver.requestsWithScope(SCOPE).isEmpty());
    assertThat(receiver.points(SCOPE)).extracting(Point::metric, Point::value)
        .containsExactly(Tuple.tuple("tls.probe", 42.0));
    Map<String, List<String>> headers = receiver.headers().get(receiver.headers().size() - 1);
    assertThat(headers.get("authorization")).containsExactly("Bearer t0k3n");
    assertThat(headers.get("x-tenant")).containsExactly("team-a");
    assertThat(receiver.clientPrincipals()).last().isEqualTo(clientPrincipal);
  }

  /** A client that trusts the receiver but shows no certificate of its own. */
  private void postWithoutClientCertificate(String url) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(server.certificatePem())) {
      trusted.setCertificateEntry("receiver", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build()
        .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build(), HttpResponse.BodyHandlers.discarding());
  }
}
