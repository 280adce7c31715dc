package io.kubestate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/** Scrapes of an endpoint by the same client for every server measured. */
final class Http {
  private Http() {}

  /** Reads and discards the body, as a scraper that parses while it reads does; returns its length. */
  static long httpDrain(URL url) throws IOException {
    return httpGet(url, in -> {
      byte[] chunk = new byte[64 * 1024];
      long length = 0;
      for (int n; (n = in.read(chunk)) > 0; ) {
        length += n;
      }
      return length;
    });
  }

  static byte[] httpGet(URL url) throws IOException {
    return httpGet(url, InputStream::readAllBytes);
  }

  private interface BodyReader<T> {
    T read(InputStream body) throws IOException;
  }

  /** Scrapes {@code url} in the text format and reads the body with {@code reader}. */
  private static <T> T httpGet(URL url, BodyReader<T> reader) throws IOException {
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setRequestProperty("Accept", "text/plain;version=0.0.4");
    c.setReadTimeout(120_000);
    try (InputStream in = c.getInputStream()) {
      if (c.getResponseCode() != 200) {
        throw new IOException(url + " answered " + c.getResponseCode());
      }
      return reader.read(in);
    } finally {
      c.disconnect();
    }
  }
}
