package io.kubestate.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;

/**
 * An OTLP metrics receiver for tests, listening on 127.0.0.1: it takes what a real OTLP exporter
 * sends and keeps every request with its headers. {@link #start()} takes OTLP/HTTP
 * ({@code http/protobuf}, optionally gzip), {@link #start(Tls)} the same over HTTPS, and {@link
 * #startGrpc} OTLP/gRPC (HTTP/2, which the JDK's server does not speak: Vert.x, there for the
 * demo's mock API server, serves it).
 */
public final class OtlpReceiver implements AutoCloseable {
  private static final String PROTOBUF = "application/x-protobuf";
  private static final String GRPC_EXPORT = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

  /** One gauge or sum data point, with the attributes of its Resource. */
  public record Point(String metric, String unit, Map<String, String> attributes, double value,
      Map<String, String> resource) {}

  /**
   * TLS for the receiver.
   *
   * @param trustedClient when not null, the certificate (PEM) a client must present: mutual TLS
   */
  public record Tls(Certificates.Identity server, Path trustedClient) {}

  private record Received(Map<String, List<String>> headers, String clientPrincipal,
      ExportMetricsServiceRequest request) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private String endpoint;
  private AutoCloseable listener;

  private OtlpReceiver() {}

  public static OtlpReceiver start() {
    return start(null);
  }

  /** OTLP/HTTP over HTTPS with {@code tls}, or plain HTTP when it is null. */
  public static OtlpReceiver start(Tls tls) {
    OtlpReceiver receiver = new OtlpReceiver();
    try {
      receiver.listenHttp(tls);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the OTLP receiver", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot start the OTLP receiver", e);
    }
    return receiver;
  }

  /** OTLP/gRPC over TLS with {@code tls}, or over cleartext HTTP/2 (h2c) when it is null. */
  public static OtlpReceiver startGrpc(Tls tls) {
    OtlpReceiver receiver = new OtlpReceiver();
    try {
      receiver.listenGrpc(tls);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the OTLP/gRPC receiver", e);
    }
    return receiver;
  }

  private void listenHttp(Tls tls) throws IOException, GeneralSecurityException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    HttpServer server;
    if (tls == null) {
      server = HttpServer.create(address, 16);
    } else {
      SSLContext context = sslContext(tls);
      HttpsServer https = HttpsServer.create(address, 16);
      https.setHttpsConfigurator(new HttpsConfigurator(context) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters ssl = context.getDefaultSSLParameters();
          ssl.setNeedClientAuth(tls.trustedClient() != null);
          params.setSSLParameters(ssl);
        }
      });
      server = https;
    }
    server.createContext("/v1/metrics", this::handle);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "otlp-receiver");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    endpoint = (tls == null ? "http" : "https") + "://127.0.0.1:" + server.getAddress().getPort();
    listener = () -> {
      server.stop(0);
      executor.shutdownNow();
    };
  }

  private static SSLContext sslContext(Tls tls) throws IOException, GeneralSecurityException {
    KeyStore identity = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(tls.server().keyStore())) {
      identity.load(in, tls.server().password().toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(identity, tls.server().password().toCharArray());
    TrustManagerFactory trust = null;
    if (tls.trustedClient() != null) {
      KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
      trusted.load(null, null);
      try (InputStream in = Files.newInputStream(tls.trustedClient())) {
        trusted.setCertificateEntry("client", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
    return context;
  }

  private void listenGrpc(Tls tls) throws Exception {
    Vertx vertx = Vertx.vertx();
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(0);
    if (tls != null) {
      options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PfxOptions()
          .setPath(tls.server().keyStore().toString()).setPassword(tls.server().password()));
      if (tls.trustedClient() != null) {
        options.setClientAuth(ClientAuth.REQUIRED)
            .setTrustOptions(new PemTrustOptions().addCertPath(tls.trustedClient().toString()));
      }
    }
    io.vertx.core.http.HttpServer server = vertx.createHttpServer(options)
        .requestHandler(request -> request.body().onSuccess(body -> handleGrpc(request, body)));
    try {
      server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
    endpoint = (tls == null ? "http" : "https") + "://127.0.0.1:" + server.actualPort();
    listener = () -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /**
   * The base URL: for {@code otel.exporter.otlp.endpoint} with the protocol the receiver was
   * started for, {@code http/protobuf} or {@code grpc}.
   */
  public String endpoint() {
    return endpoint;
  }

  public List<ExportMetricsServiceRequest> requests() {
    return received.stream().map(Received::request).toList();
  }

  /** The headers of each request, in the order of {@link #requests()}; names are case-insensitive. */
  public List<Map<String, List<String>>> headers() {
    return received.stream().map(Received::headers).toList();
  }

  /**
   * The subject of the certificate the client presented for each request, in the order of {@link
   * #requests()}; empty without mutual TLS.
   */
  public List<String> clientPrincipals() {
    return received.stream().map(r -> r.clientPrincipal() == null ? "" : r.clientPrincipal()).toList();
  }

  /** The requests that hold at least one metric of the instrumentation scope {@code scope}. */
  public List<ExportMetricsServiceRequest> requestsWithScope(String scope) {
    return requests().stream().filter(r -> !scopeMetrics(r, scope).isEmpty()).toList();
  }

  public void clear() {
    received.clear();
  }

  /**
   * The gauge and sum data points of scope {@code scope} in the last request that holds that scope,
   * which is one complete collection of the exporting SDK.
   */
  public List<Point> points(String scope) {
    List<ExportMetricsServiceRequest> matching = requestsWithScope(scope);
    if (matching.isEmpty()) {
      throw new NoSuchElementException("no request holds scope " + scope);
    }
    List<Point> out = new ArrayList<>();
    for (Map.Entry<ResourceMetrics, ScopeMetrics> e : scopeMetrics(matching.get(matching.size() - 1), scope)) {
      Map<String, String> resource = attributes(e.getKey().getResource().getAttributesList());
      for (Metric m : e.getValue().getMetricsList()) {
        List<NumberDataPoint> points = switch (m.getDataCase()) {
          case GAUGE -> m.getGauge().getDataPointsList();
          case SUM -> m.getSum().getDataPointsList();
          default -> List.of();
        };
        for (NumberDataPoint p : points) {
          double value = p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
          out.add(new Point(m.getName(), m.getUnit(), attributes(p.getAttributesList()), value, resource));
        }
      }
    }
    return out;
  }

  private static List<Map.Entry<ResourceMetrics, ScopeMetrics>> scopeMetrics(ExportMetricsServiceRequest request,
      String scope) {
    List<Map.Entry<ResourceMetrics, ScopeMetrics>> out = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        if (sm.getScope().getName().equals(scope)) {
          out.add(Map.entry(rm, sm));
        }
      }
    }
    return out;
  }

  private static Map<String, String> attributes(List<KeyValue> keyValues) {
    Map<String, String> out = new LinkedHashMap<>();
    for (KeyValue kv : keyValues) {
      out.put(kv.getKey(), text(kv.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  private static String text(AnyValue v) {
    return switch (v.getValueCase()) {
      case STRING_VALUE -> v.getStringValue();
      case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
      case INT_VALUE -> Long.toString(v.getIntValue());
      case DOUBLE_VALUE -> Double.toString(v.getDoubleValue());
      default -> v.toString().strip();
    };
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("POST")) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      if (type == null || !type.startsWith(PROTOBUF)) {
        ex.sendResponseHeaders(415, -1);
        return;
      }
      ExportMetricsServiceRequest request;
      try (InputStream body = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))
          ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody()) {
        request = ExportMetricsServiceRequest.parseFrom(body);
      } catch (InvalidProtocolBufferException e) {
        ex.sendResponseHeaders(400, -1);
        return;
      }
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
      String principal = ex instanceof HttpsExchange https ? principal(https.getSSLSession()) : null;
      received.add(new Received(Collections.unmodifiableMap(headers), principal, request));
      byte[] response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
      ex.getResponseHeaders().set("Content-Type", PROTOBUF);
      // A length of 0 would mean a chunked body of unknown length to HttpServer; -1 means none.
      ex.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
      if (response.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(response);
        }
      }
    }
  }

  /** A unary gRPC call: a length-prefixed message each way, the status in the trailers. */
  private void handleGrpc(HttpServerRequest http, Buffer body) {
    var response = http.response();
    if (!http.path().equals(GRPC_EXPORT)) {
      response.setStatusCode(404).end();
      return;
    }
    response.putHeader("content-type", "application/grpc");
    try {
      byte[] bytes = body.getBytes();
      int length = ByteBuffer.wrap(bytes, 1, 4).getInt();
      InputStream message = new ByteArrayInputStream(bytes, 5, length);
      ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(
          bytes[0] == 1 ? new GZIPInputStream(message) : message);
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      http.headers().names().forEach(name -> headers.put(name, List.copyOf(http.headers().getAll(name))));
      String principal = http.isSSL() ? principal(http.connection().sslSession()) : null;
      received.add(new Received(Collections.unmodifiableMap(headers), principal, request));
      byte[] reply = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
      response.putTrailer("grpc-status", "0");
      response.end(Buffer.buffer().appendByte((byte) 0).appendInt(reply.length).appendBytes(reply));
    } catch (IOException | RuntimeException e) {
      response.putTrailer("grpc-status", "13").putTrailer("grpc-message", String.valueOf(e.getMessage()));
      response.end();
    }
  }

  private static String principal(SSLSession session) {
    try {
      return session.getPeerPrincipal().getName();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the OTLP receiver", e);
    }
  }
}
