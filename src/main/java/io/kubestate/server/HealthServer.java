package io.kubestate.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code /healthz}: 200 while the process serves. {@code /readyz}: 200 once every watched kind has
 * synced, 503 before, with the reason in the body.
 */
public final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  /** What readiness reports: ready, and a line per kind otherwise. */
  public record Readiness(boolean ready, String detail) {}

  private HealthServer(HttpServer server) {
    this.server = server;
  }

  public static HealthServer start(String host, int port, Supplier<Readiness> readiness) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
      server.createContext("/healthz", ex -> respond(ex, 200, "ok\n"));
      server.createContext("/readyz", ex -> {
        Readiness r = readiness.get();
        respond(ex, r.ready() ? 200 : 503, r.detail());
      });
      server.setExecutor(Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "health-server");
        t.setDaemon(true);
        return t;
      }));
      server.start();
      return new HealthServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + " for health checks", e);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
