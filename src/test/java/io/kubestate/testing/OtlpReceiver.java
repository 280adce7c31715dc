package io.kubestate.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import java.util.zip.GZIPInputStream;

/**
 * An OTLP/HTTP metrics receiver for tests, listening on 127.0.0.1: it takes what a real OTLP
 * exporter sends ({@code http/protobuf}, optionally gzip) and keeps every request with its headers.
 */
public final class OtlpReceiver implements AutoCloseable {
  private static final String PROTOBUF = "application/x-protobuf";

  /** One gauge or sum data point, with the attributes of its Resource. */
  public record Point(String metric, String unit, Map<String, String> attributes, double value,
      Map<String, String> resource) {}

  private record Received(Map<String, List<String>> headers, ExportMetricsServiceRequest request) {}

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService executor;

  private OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/v1/metrics", this::handle);
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "otlp-receiver");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
  }

  public static OtlpReceiver start() {
    try {
      return new OtlpReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the OTLP receiver", e);
    }
  }

  /** The base URL, for {@code otel.exporter.otlp.endpoint} with protocol {@code http/protobuf}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public List<ExportMetricsServiceRequest> requests() {
    return received.stream().map(Received::request).toList();
  }

  /** The headers of each request, in the order of {@link #requests()}; names are case-insensitive. */
  public List<Map<String, List<String>>> headers() {
    return received.stream().map(Received::headers).toList();
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
      received.add(new Received(Collections.unmodifiableMap(headers), request));
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

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
