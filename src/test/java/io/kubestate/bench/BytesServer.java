package io.kubestate.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * The floor over HTTP: the floor's work (the lines, built beforehand, encoded into a buffer)
 * done on the JDK's HTTP server as ours does its own, the buffer sent in 64 KiB writes as the
 * exposition is.
 */
final class BytesServer implements AutoCloseable {
  private final HttpServer server;

  BytesServer(String[] lines) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    byte[] chunk = new byte[64 * 1024];
    server.createContext("/metrics", ex -> {
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        int used = 0;
        for (String line : lines) {
          byte[] b = line.getBytes(StandardCharsets.UTF_8);
          if (used + b.length > chunk.length) {
            out.write(chunk, 0, used);
            used = 0;
          }
          if (b.length > chunk.length) {
            out.write(b);
          } else {
            System.arraycopy(b, 0, chunk, used, b.length);
            used += b.length;
          }
        }
        out.write(chunk, 0, used);
      }
    });
    server.start();
  }

  URL url() throws IOException {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics").toURL();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
