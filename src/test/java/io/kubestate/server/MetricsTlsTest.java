package io.kubestate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kubestate.telemetry.MetricsAccess;
import io.kubestate.telemetry.Telemetry;
import io.kubestate.telemetry.TelemetrySettings;
import io.kubestate.testing.Certificates;
import io.kubestate.testing.LogCapture;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics endpoint over TLS, from PEM files a test makes: real handshakes, a certificate
 * replaced while serving, a broken replacement that leaves the old one serving, client
 * certificates, and plain HTTP refused.
 */
class MetricsTlsTest {
  // keytool is a JVM start each: made once for all the tests.
  @TempDir static Path keys;
  private static Certificates.Identity first;
  private static Certificates.Identity second;
  private static Certificates.Identity client;

  @TempDir Path mounted;
  private Path cert;
  private Path key;
  private MetricsTls tls;
  private Telemetry telemetry;
  private ObservableLongGauge probe;
  private LogCapture logs;

  @BeforeAll
  static void certificates() {
    first = Certificates.selfSigned(keys, "metrics-first");
    second = Certificates.selfSigned(keys, "metrics-second");
    client = Certificates.selfSigned(keys, "prometheus");
  }

  @BeforeEach
  void mount() throws IOException {
    logs = LogCapture.of(MetricsTls.class.getName());
    cert = mounted.resolve("tls.crt");
    key = mounted.resolve("tls.key");
    install(first.certificatePem(), first.keyPem());
  }

  @AfterEach
  void close() {
    logs.close();
    if (probe != null) {
      probe.close();
    }
    if (telemetry != null) {
      telemetry.close();
    }
    if (tls != null) {
      tls.close();
    }
  }

  @Test
  void servesTheMetricsOverTls13And12AndRefusesPlainHttp() throws Exception {
    int port = start(null);

    assertThat(handshake(port, "TLSv1.3")).isEqualTo("CN=metrics-first");
    assertThat(handshake(port, "TLSv1.2")).isEqualTo("CN=metrics-first");
    HttpResponse<String> scrape = https(trusting(first, second), null).send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).contains("tls_probe 7");
    assertThatThrownBy(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString()))
        .as("plain HTTP on the TLS port").isInstanceOf(IOException.class);
  }

  @Test
  void aReplacedPairServesTheNextConnectionsWithoutARestart() throws Exception {
    int port = start(null);
    assertThat(handshake(port, "TLSv1.3")).isEqualTo("CN=metrics-first");

    // As the kubelet updates a mounted Secret: both files change, the process keeps running.
    install(second.certificatePem(), second.keyPem());

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> handshake(port, "TLSv1.3").equals("CN=metrics-second"));
    assertThat(logs.messages())
        .anySatisfy(m -> assertThat(m).contains("now serving certificate CN=metrics-second"));
  }

  @Test
  void aPairThatDoesNotLoadIsLoggedAndTheOldOneKeepsServing() throws Exception {
    int port = start(null);

    // The second certificate with the first key: not a pair.
    install(second.certificatePem(), first.keyPem());

    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> logs.records().stream().anyMatch(r -> r.getLevel() == Level.SEVERE));
    LogRecord error = logs.records().stream().filter(r -> r.getLevel() == Level.SEVERE).findFirst().orElseThrow();
    assertThat(error.getMessage())
        .contains("still serving the previous certificate (certificate CN=metrics-first")
        .contains("does not belong to the certificate in " + cert);
    assertThat(handshake(port, "TLSv1.3")).isEqualTo("CN=metrics-first");

    install(first.certificatePem(), "not a key");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> logs.records().stream().filter(r -> r.getLevel() == Level.SEVERE).count() >= 2);
    assertThat(logs.messages()).last().asString().contains(key + ": no PEM block PRIVATE KEY");
    assertThat(handshake(port, "TLSv1.3")).isEqualTo("CN=metrics-first");
  }

  @Test
  void aPairThatDoesNotLoadAtStartIsRefusedNamingTheFile() throws IOException {
    install(second.certificatePem(), first.keyPem());

    assertThatThrownBy(() -> MetricsTls.start(new MetricsTls.TlsFiles(cert, key, null), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the key in " + key + " does not belong to the certificate in " + cert + " (CN=metrics-second)");
  }

  @Test
  void withAClientCaOnlyClientsWithItsCertificatesAreServed() throws Exception {
    int port = start(client.certificatePem());
    URI metrics = URI.create("https://127.0.0.1:" + port + "/metrics");

    HttpResponse<String> withCertificate = https(trusting(first), client).send(HttpRequest.newBuilder(metrics).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(withCertificate.statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> https(trusting(first), null).send(HttpRequest.newBuilder(metrics).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> https(trusting(first), second).send(HttpRequest.newBuilder(metrics).build(),
        HttpResponse.BodyHandlers.ofString())).as("a certificate the CA did not sign").isInstanceOf(IOException.class);
  }

  private int start(Path clientCa) {
    tls = MetricsTls.start(new MetricsTls.TlsFiles(cert, key, clientCa), Duration.ofMillis(100));
    telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 100, null, "1.2.3", "instance-1", Map.of(),
        new MetricsAccess(tls.configurator(), null)));
    probe = telemetry.meter("tls.test", "1").gaugeBuilder("tls.probe").ofLongs().buildWithCallback(m -> m.record(7));
    return telemetry.prometheusPort();
  }

  private void install(Path certificate, Path privateKey) throws IOException {
    install(certificate, Files.readString(privateKey));
  }

  /** Both files replaced at once, as the kubelet swaps the directory of a mounted Secret. */
  private void install(Path certificate, String privateKey) throws IOException {
    Path staging = Files.createTempDirectory(mounted, "staging");
    Files.copy(certificate, staging.resolve("tls.crt"));
    Files.writeString(staging.resolve("tls.key"), privateKey);
    Files.move(staging.resolve("tls.key"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.move(staging.resolve("tls.crt"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The subject of the certificate the endpoint shows in a handshake of this protocol. */
  private static String handshake(int port, String protocol) throws Exception {
    try (SSLSocket socket = (SSLSocket) trusting(first, second).getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.setEnabledProtocols(new String[] {protocol});
      socket.startHandshake();
      assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }
  }

  private static SSLContext trusting(Certificates.Identity... servers) throws Exception {
    return context(servers, null);
  }

  private static HttpClient https(SSLContext trust, Certificates.Identity clientIdentity) throws Exception {
    SSLContext context = clientIdentity == null ? trust : context(new Certificates.Identity[] {first, second},
        clientIdentity);
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static SSLContext context(Certificates.Identity[] servers, Certificates.Identity clientIdentity)
      throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    for (Certificates.Identity server : servers) {
      try (InputStream in = Files.newInputStream(server.certificatePem())) {
        trusted.setCertificateEntry(server.certificatePem().getFileName().toString(),
            CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    KeyManagerFactory keyManagers = null;
    if (clientIdentity != null) {
      KeyStore own = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(clientIdentity.keyStore())) {
        own.load(in, clientIdentity.password().toCharArray());
      }
      keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(own, clientIdentity.password().toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }
}
