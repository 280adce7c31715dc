package io.kubestate.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Reads a Prometheus endpoint over HTTP, as Prometheus would. */
public final class Scrape {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Scrape() {}

  public static String text(int port) {
    return get("http://127.0.0.1:" + port + "/metrics", "text/plain;version=0.0.4");
  }

  public static String get(String url, String accept) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", accept)
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new IllegalStateException(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The sample lines (no comments) whose name is exactly {@code metric}. */
  public static List<String> samples(String exposition, String metric) {
    return exposition.lines()
        .filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
        .toList();
  }
}
