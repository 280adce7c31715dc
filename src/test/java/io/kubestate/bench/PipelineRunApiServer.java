package io.kubestate.bench;

import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.kubestate.testing.ApiResponses;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API server reduced to what an exporter with the tekton preset asks of one: discovery,
 * the CustomResourceDefinitions of Tekton, N PipelineRuns ({@link PipelineRunObjects}) and no
 * TaskRuns. Lists are paged by {@code limit} and {@code continue} as the API server pages them, each
 * page generated when asked, so that the server holds no objects; watches are WebSockets, as fabric8
 * opens them, held open until their {@code timeoutSeconds}, with a BOOKMARK now and then and the
 * MODIFIED events of {@link #complete}. Anything else is answered 404 and reported on stderr, so
 * that a new request of the exporter shows.
 */
final class PipelineRunApiServer implements AutoCloseable {
  private static final Pattern COLLECTION = Pattern.compile(
      "/apis/([^/]+)/([^/]+)(?:/namespaces/([^/]+))?/([^/]+)");
  private static final String TEKTON = "tekton.dev";
  private static final String CRDS = "apiextensions.k8s.io";
  private static final Map<String, String> KINDS = Map.of(
      "pipelineruns", "PipelineRun", "taskruns", "TaskRun", "customresourcedefinitions", "CustomResourceDefinition");

  private final int count;
  private final MockWebServer server = new MockWebServer();
  /** The cluster's resourceVersion: every object's is below it, and each change takes the next. */
  private final AtomicLong version;
  /** Objects changed since the start: index, then the resourceVersion of the change. */
  private final Map<Integer, Long> completed = new ConcurrentHashMap<>();
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Set<String> firstQueries = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "api-watch-timer");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, String> discovery = discovery();
  private final boolean streamingLists;

  private record Watch(WebSocket socket, String apiVersion, String kind, String namespace, boolean bookmarks) {}

  /**
   * @param streamingLists whether watches with {@code sendInitialEvents} are served; else they are
   *     refused (422) as by an API server whose WatchList feature is off
   */
  PipelineRunApiServer(int count, long bookmarkSeconds, boolean streamingLists) {
    this.count = count;
    this.streamingLists = streamingLists;
    this.version = new AtomicLong(PipelineRunObjects.FIRST_VERSION + count);
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(request);
      }
    });
    server.start(InetAddress.getLoopbackAddress(), 0);
    timer.scheduleWithFixedDelay(this::bookmarks, bookmarkSeconds, bookmarkSeconds, TimeUnit.SECONDS);
  }

  String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** Requests so far, by verb and resource ("list pipelineruns", "watch taskruns", "get /version"). */
  Map<String, Long> requests() {
    Map<String, Long> out = new TreeMap<>();
    requests.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** The query of the first list and the first watch of each kind, to show what the client sends. */
  Set<String> firstQueries() {
    return Set.copyOf(firstQueries);
  }

  /**
   * Completes up to {@code n} running or pending runs, as the Tekton controller would, and sends
   * each change to the watches; returns how many changed.
   */
  int complete(int n) {
    int changed = 0;
    for (int i = 0; i < count && changed < n; i++) {
      PipelineRunObjects.State s = PipelineRunObjects.state(i);
      if ((s == PipelineRunObjects.State.RUNNING || s == PipelineRunObjects.State.PENDING)
          && !completed.containsKey(i)) {
        long rv = version.incrementAndGet();
        completed.put(i, rv);
        String event = "{\"type\":\"MODIFIED\",\"object\":" + PipelineRunObjects.json(i, rv, true) + "}";
        String ns = PipelineRunObjects.namespace(i);
        for (Watch w : watches) {
          if (w.kind.equals("PipelineRun") && (w.namespace == null || w.namespace.equals(ns))) {
            w.socket.send(event);
          }
        }
        changed++;
      }
    }
    return changed;
  }

  private void bookmarks() {
    for (Watch w : watches) {
      if (w.bookmarks) {
        w.socket.send(bookmark(w.apiVersion, w.kind));
      }
    }
  }

  private String bookmark(String apiVersion, String kind) {
    return "{\"type\":\"BOOKMARK\",\"object\":{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind
        + "\",\"metadata\":{\"resourceVersion\":\"" + version.get() + "\"}}}";
  }

  private MockResponse answer(RecordedRequest request) {
    String target = request.getPath();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = ApiResponses.query(q < 0 ? "" : target.substring(q + 1));
    if (request.method() != HttpMethod.GET) {
      return notFound(request, "method");
    }
    String document = discovery.get(path);
    if (document != null) {
      count("get " + path);
      return ApiResponses.json(200, document);
    }
    Matcher m = COLLECTION.matcher(path);
    String kind = m.matches() ? KINDS.get(m.group(4)) : null;
    if (kind == null || !(m.group(1) + "/" + m.group(2)).equals(kind.equals("CustomResourceDefinition")
        ? CRDS + "/v1" : TEKTON + "/v1")) {
      return notFound(request, "path");
    }
    String apiVersion = m.group(1) + "/" + m.group(2);
    String plural = m.group(4);
    String namespace = m.group(3);
    boolean watch = "true".equals(query.get("watch")) || "1".equals(query.get("watch"));
    String verb = watch ? "watch" : "list";
    if (firstQueries.stream().noneMatch(s -> s.startsWith(verb + " " + plural + " "))) {
      firstQueries.add(verb + " " + plural + " " + path + "?" + (q < 0 ? "" : target.substring(q + 1)));
    }
    if (watch && "true".equals(query.get("sendInitialEvents"))) {
      count((streamingLists ? "stream " : "stream refused ") + plural);
      return streamingLists ? stream(apiVersion, kind, namespace, query)
          : ApiResponses.status(422, "Invalid",
              "sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled");
    }
    if (watch) {
      boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
      count("watch " + plural + (upgrade ? "" : " (http)"));
      return watch(apiVersion, kind, namespace, query, upgrade, false);
    }
    count("list " + plural);
    if (plural.equals("customresourcedefinitions")) {
      return ApiResponses.json(200, list(apiVersion, kind, crd("pipelineruns", "PipelineRun", "pr") + ","
          + crd("taskruns", "TaskRun", "tr"), null, 0));
    }
    if (plural.equals("taskruns")) {
      return ApiResponses.json(200, list(apiVersion, kind, "", null, 0));
    }
    return pipelineRuns(namespace, query);
  }

  /** One page: the objects from the index the continue token names, of one namespace or of all. */
  private MockResponse pipelineRuns(String namespace, Map<String, String> query) {
    int ns = namespace == null ? -1 : PipelineRunObjects.namespaceIndex(namespace);
    int step = ns < 0 ? 1 : PipelineRunObjects.NAMESPACES;
    long limit = query.containsKey("limit") ? Long.parseLong(query.get("limit")) : Long.MAX_VALUE;
    int from = 0;
    String token = query.get("continue");
    if (token != null && !token.isEmpty()) {
      from = Integer.parseInt(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8));
    }
    if (namespace != null && ns < 0) {
      return ApiResponses.json(200, list(TEKTON + "/v1", "PipelineRun", "", null, 0));
    }
    int i = ns < 0 ? from : from + Math.floorMod(ns - from, step);
    StringBuilder items = new StringBuilder((int) Math.min(limit, 1000) * 2700);
    for (long n = 0; n < limit && i < count; n++, i += step) {
      Long changed = completed.get(i);
      items.append(n == 0 ? "" : ",").append(changed == null
          ? PipelineRunObjects.json(i) : PipelineRunObjects.json(i, changed, true));
    }
    String next = null;
    long remaining = 0;
    if (i < count) {
      next = Base64.getEncoder().encodeToString(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
      remaining = (count - i + step - 1) / step;
    }
    return ApiResponses.json(200, list(TEKTON + "/v1", "PipelineRun", items, next, remaining));
  }

  private String list(String apiVersion, String kind, CharSequence items, String next, long remaining) {
    StringBuilder b = new StringBuilder(items.length() + 200);
    b.append("{\"apiVersion\":\"").append(apiVersion).append("\",\"kind\":\"").append(kind)
        .append("List\",\"metadata\":{\"resourceVersion\":\"").append(version.get()).append('"');
    if (next != null) {
      b.append(",\"continue\":\"").append(next).append("\",\"remainingItemCount\":").append(remaining);
    }
    return b.append("},\"items\":[").append(items).append("]}").toString();
  }

  /** A watch that first sends every object, then a bookmark marked as the end of them. */
  private MockResponse stream(String apiVersion, String kind, String namespace, Map<String, String> query) {
    return watch(apiVersion, kind, namespace, query, true, true);
  }

  private void sendAll(WebSocket socket, String apiVersion, String kind, String namespace) {
    if (kind.equals("PipelineRun")) {
      int ns = namespace == null ? -1 : PipelineRunObjects.namespaceIndex(namespace);
      int step = ns < 0 ? 1 : PipelineRunObjects.NAMESPACES;
      for (int i = Math.max(ns, 0); i < count && (namespace == null || ns >= 0); i += step) {
        Long changed = completed.get(i);
        socket.send("{\"type\":\"ADDED\",\"object\":" + (changed == null
            ? PipelineRunObjects.json(i) : PipelineRunObjects.json(i, changed, true)) + "}");
      }
    } else if (kind.equals("CustomResourceDefinition")) {
      socket.send("{\"type\":\"ADDED\",\"object\":" + crd("pipelineruns", "PipelineRun", "pr") + "}");
      socket.send("{\"type\":\"ADDED\",\"object\":" + crd("taskruns", "TaskRun", "tr") + "}");
    }
    socket.send("{\"type\":\"BOOKMARK\",\"object\":{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind
        + "\",\"metadata\":{\"resourceVersion\":\"" + version.get()
        + "\",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}}}}");
  }

  private MockResponse watch(String apiVersion, String kind, String namespace, Map<String, String> query,
      boolean upgrade, boolean initialEvents) {
    long timeout = query.containsKey("timeoutSeconds") ? Long.parseLong(query.get("timeoutSeconds")) : 1800;
    boolean bookmarks = "true".equals(query.get("allowWatchBookmarks"));
    if (!upgrade) {
      // A watch over plain HTTP (fabric8's fallback): held until its timeout, then a bookmark and the end.
      return ApiResponses.json(200, bookmark(apiVersion, kind) + "\n").setBodyDelay(timeout, TimeUnit.SECONDS);
    }
    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
      private Watch watch;

      @Override
      public void onOpen(WebSocket socket, Response response) {
        watch = new Watch(socket, apiVersion, kind, namespace, bookmarks);
        if (initialEvents) {
          sendAll(socket, apiVersion, kind, namespace);
        }
        watches.add(watch);
        timer.schedule(() -> socket.close(1000, "watch timeout"), timeout, TimeUnit.SECONDS);
      }

      @Override
      public void onClosing(WebSocket socket, int code, String reason) {
        watches.remove(watch);
      }

      @Override
      public void onClosed(WebSocket socket, int code, String reason) {
        watches.remove(watch);
      }

      @Override
      public void onFailure(WebSocket socket, Throwable t, Response response) {
        watches.remove(watch);
      }
    });
  }

  private MockResponse notFound(RecordedRequest request, String what) {
    count("404 " + request.getMethod() + " " + request.getPath());
    System.err.println("api server: 404 (" + what + ") for " + request.getMethod() + " " + request.getPath());
    return ApiResponses.status(404, "NotFound", "the server could not find the requested resource");
  }

  private void count(String key) {
    requests.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  private static String crd(String plural, String kind, String shortName) {
    String singular = kind.toLowerCase(java.util.Locale.ROOT);
    String names = "{\"kind\":\"" + kind + "\",\"listKind\":\"" + kind + "List\",\"plural\":\"" + plural
        + "\",\"singular\":\"" + singular + "\",\"shortNames\":[\"" + shortName + "\"],\"categories\":[\"tekton\","
        + "\"tekton-pipelines\"]}";
    return "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":{"
        + "\"name\":\"" + plural + ".tekton.dev\",\"uid\":\"" + java.util.UUID.nameUUIDFromBytes(plural.getBytes(
        StandardCharsets.UTF_8)) + "\",\"resourceVersion\":\"" + (PipelineRunObjects.FIRST_VERSION - 1)
        + "\",\"generation\":1,\"creationTimestamp\":\"2026-01-05T10:00:00Z\"},\"spec\":{\"group\":\"tekton.dev\","
        + "\"names\":" + names + ",\"scope\":\"Namespaced\",\"versions\":[{\"name\":\"v1\",\"served\":true,"
        + "\"storage\":true,\"subresources\":{\"status\":{}},\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\","
        + "\"x-kubernetes-preserve-unknown-fields\":true}}}]},\"status\":{\"acceptedNames\":" + names
        + ",\"storedVersions\":[\"v1\"],\"conditions\":[{\"type\":\"Established\",\"status\":\"True\","
        + "\"reason\":\"InitialNamesAccepted\",\"message\":\"the initial names have been accepted\","
        + "\"lastTransitionTime\":\"2026-01-05T10:00:00Z\"}]}}";
  }

  private static String resource(String plural, String kind, boolean namespaced, String... verbs) {
    return "{\"name\":\"" + plural + "\",\"singularName\":\"\",\"namespaced\":" + namespaced + ",\"kind\":\"" + kind
        + "\",\"verbs\":[\"" + String.join("\",\"", verbs) + "\"]}";
  }

  private static Map<String, String> discovery() {
    String[] all = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
    String[] status = {"get", "patch", "update"};
    String tekton = "{\"name\":\"tekton.dev\",\"versions\":[{\"groupVersion\":\"tekton.dev/v1\",\"version\":\"v1\"}],"
        + "\"preferredVersion\":{\"groupVersion\":\"tekton.dev/v1\",\"version\":\"v1\"}}";
    String crds = "{\"name\":\"apiextensions.k8s.io\",\"versions\":[{\"groupVersion\":\"apiextensions.k8s.io/v1\","
        + "\"version\":\"v1\"}],\"preferredVersion\":{\"groupVersion\":\"apiextensions.k8s.io/v1\","
        + "\"version\":\"v1\"}}";
    Map<String, String> d = new HashMap<>();
    d.put("/version", "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.0\",\"platform\":\"linux/amd64\"}");
    d.put("/api", "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}");
    d.put("/api/v1", "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
        + resource("namespaces", "Namespace", false, "get", "list", "watch") + "]}");
    d.put("/apis", "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[" + crds + "," + tekton + "]}");
    d.put("/apis/tekton.dev", "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\"," + tekton.substring(1));
    d.put("/apis/apiextensions.k8s.io", "{\"kind\":\"APIGroup\",\"apiVersion\":\"v1\"," + crds.substring(1));
    d.put("/apis/tekton.dev/v1", "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":"
        + "\"tekton.dev/v1\",\"resources\":[" + resource("pipelineruns", "PipelineRun", true, all) + ","
        + resource("pipelineruns/status", "PipelineRun", true, status) + ","
        + resource("taskruns", "TaskRun", true, all) + "," + resource("taskruns/status", "TaskRun", true, status)
        + "]}");
    d.put("/apis/apiextensions.k8s.io/v1", "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":"
        + "\"apiextensions.k8s.io/v1\",\"resources\":["
        + resource("customresourcedefinitions", "CustomResourceDefinition", false, all) + "]}");
    return d;
  }

  @Override
  public void close() throws IOException {
    timer.shutdownNow();
    for (Watch w : watches) {
      w.socket.close(1001, "server stopping");
    }
    server.close();
  }
}
