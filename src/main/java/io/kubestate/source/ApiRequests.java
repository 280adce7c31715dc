package io.kubestate.source;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests the exporter makes to the API server, by verb (list, watch, get), resource
 * and outcome, through a fabric8 client interceptor: how many API calls it costs the cluster.
 */
public final class ApiRequests implements Interceptor {
  /** The name the interceptor is registered under in the client. */
  public static final String NAME = "kube-state-otel-requests";

  /** A counted group of requests; {@code code} is the HTTP status, or "error" for a failed connection. */
  public record Key(String verb, String resource, String code) {}

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
  @Override
  public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    record(request, Integer.toString(response.code()));
  }

  @Override
  public void afterConnectionFailure(HttpRequest request, Throwable failure) {
    record(request, "error");
  }

  private void record(HttpRequest request, String code) {
    String query = request.uri().getRawQuery();
    String verb = query != null && query.contains("watch=true") ? "watch"
        : request.method().equals("GET") ? (isCollection(request.uri().getPath()) ? "list" : "get")
        : request.method().toLowerCase(java.util.Locale.ROOT);
    counts.computeIfAbsent(new Key(verb, resource(request.uri().getPath()), code), k -> new LongAdder()).increment();
  }

  /** The resource of an API path: {@code /apis/tekton.dev/v1/namespaces/ns/pipelineruns} gives pipelineruns.tekton.dev. */
  static String resource(String path) {
    String[] p = path.split("/");
    int i;
    String group;
    if (p.length > 1 && p[1].equals("api")) {
      group = "";
      i = 3;
    } else if (p.length > 3 && p[1].equals("apis")) {
      group = p[2];
      i = 4;
    } else {
      return "discovery";
    }
    if (i < p.length && p[i].equals("namespaces") && i + 2 < p.length) {
      i += 2;
    }
    if (i >= p.length) {
      return "discovery";
    }
    return group.isEmpty() ? p[i] : p[i] + "." + group;
  }

  private static boolean isCollection(String path) {
    String[] p = path.split("/");
    int base = p.length > 1 && p[1].equals("api") ? 3 : 4;
    int rest = p.length - base;
    if (rest >= 2 && p[base].equals("namespaces")) {
      rest -= 2;
    }
    return rest == 1;
  }

  public Map<Key, Long> counts() {
    Map<Key, Long> out = new TreeMap<>(java.util.Comparator.comparing(Key::verb).thenComparing(Key::resource)
        .thenComparing(Key::code));
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
