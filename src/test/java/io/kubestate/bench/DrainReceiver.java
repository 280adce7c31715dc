package io.kubestate.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP endpoint that reads each request whole and answers success without decoding it:
 * the test receiver decodes every message into protobuf objects, which at this size would
 * measure the receiver rather than the exporter.
 */
final class DrainReceiver implements AutoCloseable {
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong lastRequest = new AtomicLong();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "otlp-drain");
    t.setDaemon(true);
    return t;
  });

  DrainReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/v1/metrics", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex; InputStream in = ex.getRequestBody()) {
      byte[] chunk = new byte[1 << 16];
      long n = 0;
      for (int r; (r = in.read(chunk)) > 0; ) {
        n += r;
      }
      bytes.addAndGet(n);
      lastRequest.set(n);
      ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      ex.sendResponseHeaders(200, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
