package io.kubestate.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPOutputStream;

/**
 * Serves a {@link PrometheusReader} on {@code /metrics}: text or OpenMetrics by Accept header, gzip on
 * request; over TLS and behind an authorization filter when {@link MetricsAccess} asks for them.
 */
public final class PrometheusServer implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(PrometheusServer.class.getName());
  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusReader reader;

  private PrometheusServer(HttpServer server, ExecutorService executor, PrometheusReader reader) {
    this.server = server;
    this.executor = executor;
    this.reader = reader;
  }

  PrometheusReader reader() {
    return reader;
  }

  public static PrometheusServer start(String host, int port, PrometheusReader reader) {
    return start(host, port, reader, MetricsAccess.OPEN);
  }

  /** Serves {@code reader}, over TLS and behind a filter as {@code access} asks. */
  public static PrometheusServer start(String host, int port, PrometheusReader reader, MetricsAccess access) {
    try {
      HttpServer server;
      if (access.https() != null) {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 32);
        https.setHttpsConfigurator(access.https());
        server = https;
      } else {
        server = HttpServer.create(new InetSocketAddress(host, port), 32);
      }
      HttpContext metrics = server.createContext("/metrics", ex -> serve(ex, reader));
      HttpContext root = server.createContext("/", ex -> {
        byte[] body = "kube-state-otel: metrics at /metrics\n".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/") ? 200 : 404, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      });
      if (access.filter() != null) {
        metrics.getFilters().add(access.filter());
        root.getFilters().add(access.filter());
      }
      ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "prometheus-http");
        t.setDaemon(true);
        return t;
      });
      server.setExecutor(executor);
      server.start();
      return new PrometheusServer(server, executor, reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + " for the Prometheus endpoint", e);
    }
  }

  private static void serve(HttpExchange ex, PrometheusReader reader) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      ExpositionFormat format = ExpositionFormat.negotiate(ex.getRequestHeaders().getFirst("Accept"));
      String encoding = ex.getRequestHeaders().getFirst("Accept-Encoding");
      boolean gzip = encoding != null && encoding.contains("gzip");
      ex.getResponseHeaders().set("Content-Type", format.contentType());
      if (gzip) {
        ex.getResponseHeaders().set("Content-Encoding", "gzip");
      }
      ex.sendResponseHeaders(200, 0);
      // Streamed in chunks as the reader's buffer fills: a whole exposition can be 100 MB.
      try (OutputStream out = gzip ? new GZIPOutputStream(ex.getResponseBody(), 64 * 1024) : ex.getResponseBody()) {
        reader.scrape(format, out);
      }
    } catch (IOException | RuntimeException e) {
      logger.log(Level.WARNING, "scrape failed", e);
      throw e;
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
