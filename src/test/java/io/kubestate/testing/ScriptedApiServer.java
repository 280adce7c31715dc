package io.kubestate.testing;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API server serving PipelineRuns (tekton.dev/v1) whose faults a test chooses: it
 * answers a chosen status to the lists or watches of a resource, ends the open watches, and logs
 * every request it receives ("list pipelineruns", "watch pipelineruns rv=12", "stream pipelineruns"
 * for a streaming list). Watches are WebSockets, as fabric8 opens them, and hold until ended.
 * CustomResourceDefinitions answer 403, as to an exporter without the right to read them. It says
 * it is version 1.33, whose WatchList feature is off unless turned on: streaming lists are refused
 * (422) unless {@link #serveStreamingLists} is called.
 */
public final class ScriptedApiServer implements AutoCloseable {
  private static final Pattern COLLECTION = Pattern.compile("/apis/([^/]+)/([^/]+)(?:/namespaces/([^/]+))?/([^/]+)");

  private final MockWebServer server = new MockWebServer();
  private final AtomicLong version = new AtomicLong(100);
  private final Map<String, String> runs = new ConcurrentHashMap<>();
  private final List<WebSocket> watches = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  /** By "list pipelineruns" or "watch pipelineruns": the status answered instead. */
  private final Map<String, Integer> faults = new ConcurrentHashMap<>();
  private final Map<String, Integer> once = new ConcurrentHashMap<>();
  private volatile boolean streamingLists;
  private volatile boolean ignoreStreamingLists;

  public ScriptedApiServer() {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return answer(request);
      }
    });
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  /** A client of this server that leaves retries to the caller, as the exporter's loops do; the caller closes it. */
  public KubernetesClient client() {
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(url()).withOauthToken("test")
        .withRequestRetryBackoffLimit(0).build()).build();
  }

  /** Creates or replaces a PipelineRun in namespace ci with this status, and tells the watches. */
  public void put(String name, String status) {
    long rv = version.incrementAndGet();
    boolean known = runs.containsKey(name);
    String json = "{\"apiVersion\":\"tekton.dev/v1\",\"kind\":\"PipelineRun\",\"metadata\":{\"name\":\"" + name
        + "\",\"namespace\":\"ci\",\"uid\":\"uid-" + name + "\",\"resourceVersion\":\"" + rv + "\","
        + "\"creationTimestamp\":\"2026-01-05T10:00:00Z\"},\"status\":" + status + "}";
    runs.put(name, json);
    send("{\"type\":\"" + (known ? "MODIFIED" : "ADDED") + "\",\"object\":" + json + "}");
  }

  /**
   * Serves watches with {@code sendInitialEvents=true}: every object as an ADDED event, then a
   * bookmark marked as the end of them, then the watch goes on.
   */
  public void serveStreamingLists() {
    streamingLists = true;
  }

  /**
   * Takes watches with {@code sendInitialEvents=true} as plain watches, sending nothing until
   * something changes, as test doubles and servers that do not know the parameter may.
   */
  public void ignoreStreamingLists() {
    ignoreStreamingLists = true;
  }

  /** From now on, answers {@code code} to every request of {@code verb} ("list" or "watch") on pipelineruns. */
  public void fail(String verb, int code) {
    faults.put(verb, code);
  }

  /** Answers {@code code} to the next request of {@code verb} on pipelineruns only. */
  public void failOnce(String verb, int code) {
    once.put(verb, code);
  }

  public void heal() {
    faults.clear();
  }

  /** Ends every open watch, after a bookmark, as the API server does at a watch's timeout. */
  public void endWatches() {
    send(bookmark(""));
    for (WebSocket w : watches) {
      w.close(1000, "watch ended");
    }
    watches.clear();
  }

  /** Watches open now, each of which is sent every change from here on. */
  public int openWatches() {
    return watches.size();
  }

  /** The requests received on pipelineruns, in order. */
  public List<String> requests() {
    return new ArrayList<>(log);
  }

  public long count(String prefix) {
    return log.stream().filter(r -> r.startsWith(prefix)).count();
  }

  private void send(String event) {
    for (WebSocket w : watches) {
      w.send(event);
    }
  }

  /** @param more further members of the bookmark's metadata, each after a comma */
  private String bookmark(String more) {
    return "{\"type\":\"BOOKMARK\",\"object\":{\"apiVersion\":\"tekton.dev/v1\",\"kind\":\"PipelineRun\","
        + "\"metadata\":{\"resourceVersion\":\"" + version.get() + "\"" + more + "}}}";
  }

  private MockResponse answer(RecordedRequest request) {
    String target = request.getPath();
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    Map<String, String> query = ApiResponses.query(q < 0 ? "" : target.substring(q + 1));
    String discovery = discovery(path);
    if (discovery != null) {
      return ApiResponses.json(200, discovery);
    }
    Matcher m = COLLECTION.matcher(path);
    if (!m.matches()) {
      return status(404, "NotFound");
    }
    if (m.group(4).equals("customresourcedefinitions")) {
      return status(403, "Forbidden");
    }
    if (!m.group(4).equals("pipelineruns")) {
      return status(404, "NotFound");
    }
    boolean watch = "true".equals(query.get("watch"));
    boolean stream = watch && "true".equals(query.get("sendInitialEvents"));
    String verb = stream ? "stream" : watch ? "watch" : "list";
    log.add(verb + " pipelineruns" + (watch && !stream ? " rv=" + query.get("resourceVersion") : ""));
    Integer fault = once.remove(verb);
    fault = fault != null ? fault : faults.get(verb);
    if (fault != null) {
      return status(fault, fault == 404 ? "NotFound" : fault == 410 ? "Expired" : "InternalError");
    }
    if (stream && !streamingLists && !ignoreStreamingLists) {
      return status(422, "Invalid");
    }
    if (!watch) {
      return ApiResponses.json(200, "{\"apiVersion\":\"tekton.dev/v1\",\"kind\":\"PipelineRunList\",\"metadata\":{"
          + "\"resourceVersion\":\"" + version.get() + "\"},\"items\":[" + String.join(",", runs.values()) + "]}");
    }
    return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
      @Override
      public void onOpen(WebSocket socket, Response response) {
        if (stream && streamingLists) {
          // Taken before the socket joins the watches: a change meanwhile is sent once, after these.
          List<String> current = new ArrayList<>(runs.values());
          current.forEach(json -> socket.send("{\"type\":\"ADDED\",\"object\":" + json + "}"));
          socket.send(bookmark(",\"annotations\":{\"k8s.io/initial-events-end\":\"true\"}"));
        }
        watches.add(socket);
      }

      @Override
      public void onClosing(WebSocket socket, int code, String reason) {
        watches.remove(socket);
      }

      @Override
      public void onFailure(WebSocket socket, Throwable t, Response response) {
        watches.remove(socket);
      }
    });
  }

  private static String discovery(String path) {
    return switch (path) {
      case "/version" -> "{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.0\"}";
      case "/apis/tekton.dev/v1" -> "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":"
          + "\"tekton.dev/v1\",\"resources\":[{\"name\":\"pipelineruns\",\"singularName\":\"\",\"namespaced\":true,"
          + "\"kind\":\"PipelineRun\",\"verbs\":[\"get\",\"list\",\"watch\"]}]}";
      default -> null;
    };
  }

  private static MockResponse status(int code, String reason) {
    return ApiResponses.status(code, reason, "answered " + code + " by the test");
  }

  @Override
  public void close() throws IOException {
    for (WebSocket w : watches) {
      w.close(1001, "server stopping");
    }
    server.close();
  }
}
