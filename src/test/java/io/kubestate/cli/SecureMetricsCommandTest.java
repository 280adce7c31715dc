package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubestate.testing.Certificates;
import io.kubestate.testing.Exporter;
import io.kubestate.testing.Ports;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The secured metrics endpoint as a user starts it: the demo, over TLS, with Kubernetes tokens. */
class SecureMetricsCommandTest {
  private static final Pattern ALLOWED = Pattern.compile("Allowed: (\\S+) ");
  private static final Pattern UNPRIVILEGED = Pattern.compile("Known but without permission to get /metrics: (\\S+)\\. ");

  @TempDir Path tmp;
  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theDemoServesOverTlsToTheTokenItLogsOnLocalhostOnly() throws Exception {
    Certificates.Identity identity = Certificates.selfSigned(tmp, "kube-state-otel");
    int metrics = Ports.free();
    int telemetry = Ports.free();
    Path log = tmp.resolve("out.log");
    process = Exporter.process("--demo", "--metrics-auth=kubernetes",
        "--metrics-tls-cert-file", identity.certificatePem().toString(),
        "--metrics-tls-key-file", identity.keyPem().toString(),
        "--metrics-port", Integer.toString(metrics),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(telemetry))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    HttpClient https = HttpClient.newBuilder().sslContext(trusting(identity.certificatePem()))
        .connectTimeout(Duration.ofSeconds(5)).build();
    URI url = URI.create("https://127.0.0.1:" + metrics + "/metrics");

    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("health on :" + telemetry));
    String output = Files.readString(log);
    assertThat(output).contains("metrics on https://127.0.0.1:" + metrics + "/metrics (TLS, readers allowed to "
        + "get /metrics by a Kubernetes token)");
    Map<String, String> tokens = Map.of("allowed", find(ALLOWED, output), "unprivileged", find(UNPRIVILEGED, output));

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get(https, url, tokens.get("allowed")).body())
        .contains("tekton_pipelinerun_condition{"));
    assertThat(get(https, url, null).statusCode()).isEqualTo(401);
    assertThat(get(https, url, "not-a-demo-token").statusCode()).isEqualTo(401);
    assertThat(get(https, url, tokens.get("unprivileged")).statusCode()).isEqualTo(403);
    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + telemetry + "/healthz")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).as("health stays plain HTTP, without a token").isEqualTo(200);
  }

  @Test
  void aPairThatDoesNotLoadStopsTheStartWithAMessage() throws Exception {
    Certificates.Identity one = Certificates.selfSigned(tmp, "one");
    Certificates.Identity other = Certificates.selfSigned(tmp, "other");
    process = Exporter.process("--demo", "--metrics-tls-cert-file", one.certificatePem().toString(),
        "--metrics-tls-key-file", other.keyPem().toString(), "--metrics-port", Integer.toString(Ports.free()),
        "--telemetry-port", Integer.toString(Ports.free())).redirectErrorStream(true).start();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.exitValue()).isEqualTo(ValidateCommand.INVALID);
    assertThat(output).contains("the key in " + other.keyPem() + " does not belong to the certificate in "
        + one.certificatePem() + " (CN=one)").doesNotContain("\tat ");
  }

  @Test
  void tlsOptionsGoTogether() {
    CliRunner.Result keyless = CliRunner.run("--demo", "--metrics-tls-cert-file", "tls.crt");
    assertThat(keyless.exitCode()).isEqualTo(ValidateCommand.INVALID);
    assertThat(keyless.err()).contains("--metrics-tls-cert-file and --metrics-tls-key-file go together");

    CliRunner.Result unknown = CliRunner.run("--demo", "--metrics-auth=basic");
    assertThat(unknown.exitCode()).isEqualTo(ValidateCommand.INVALID);
    assertThat(unknown.err()).contains("--metrics-auth: expected none or kubernetes, got basic");
  }

  @Test
  void theDemoListensOnLocalhostUnlessToldOtherwise() {
    MetricsEndpointOptions options = new MetricsEndpointOptions();
    assertThat(options.host(true, Map.of())).isEqualTo("127.0.0.1");
    assertThat(options.host(false, Map.of())).isEqualTo("0.0.0.0");
    assertThat(options.host(true, Map.of("OTEL_EXPORTER_PROMETHEUS_HOST", "0.0.0.0"))).isEqualTo("0.0.0.0");
    options.host = "::";
    assertThat(options.host(true, Map.of())).isEqualTo("::");
  }

  private static String find(Pattern pattern, String output) {
    Matcher m = pattern.matcher(output);
    assertThat(m.find()).as("%s in:%n%s", pattern, output).isTrue();
    return m.group(1);
  }

  private static HttpResponse<String> get(HttpClient client, URI url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(Path certificate) throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(certificate)) {
      trusted.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
