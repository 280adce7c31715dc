package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * fabric8's CRUD store, plus what clients such as kubectl read besides objects: the discovery and
 * OpenAPI documents ({@link DemoDiscovery}) of the definitions in the store, kept up as
 * definitions are created and deleted; tables of custom resources ({@link DemoTables}); token and
 * access reviews ({@link DemoReviews}). A definition created through the API is established at
 * once and serves every version it marks served.
 */
final class DemoDispatcher extends KubernetesCrudDispatcher {

  private static final String DEFINITIONS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

  private static final Logger logger = Logger.getLogger(DemoDispatcher.class.getName());

  private final Clock clock;
  private final DemoReviews reviews = new DemoReviews();
  private final DemoTables tables;
  /** By name; written under the store's write lock, read by any request. */
  private final Map<String, CustomResourceDefinition> definitions = new LinkedHashMap<>();
  private volatile DemoDiscovery discovery = DemoDiscovery.of(List.of());

  DemoDispatcher(Clock clock) {
    this.clock = clock;
    this.tables = new DemoTables(clock);
  }

  DemoReviews reviews() {
    return reviews;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse review = reviews.answer(request);
    if (review != null) {
      return review;
    }
    if (request.method() == HttpMethod.GET && request.getPath().contains("sendInitialEvents=true")) {
      // The store cannot stream a list: it refuses, as an API server of its version (1.33) does
      // with its WatchList feature off, and clients list in pages.
      return status(422, "Invalid", "sendInitialEvents is forbidden for watch unless the WatchList feature gate is"
          + " enabled");
    }
    String document = request.method() == HttpMethod.GET
        ? discovery.document(DemoTables.withoutQuery(request.getPath()))
        : null;
    if (document != null) {
      return json(HttpURLConnection.HTTP_OK, document);
    }
    MockResponse unsupported = unsupported(request.getHeader("Content-Type"));
    if (unsupported != null) {
      return unsupported;
    }
    List<PrinterColumn> columns = DemoTables.asked(request) ? columns(request.getPath()) : null;
    MockResponse response = super.dispatch(request);
    if (columns == null || response.code() != HttpURLConnection.HTTP_OK) {
      return response;
    }
    String body = response.getBody().readUtf8();
    try {
      return json(HttpURLConnection.HTTP_OK, tables.table(body, columns, request.getPath()));
    } catch (RuntimeException e) {
      // kubectl shows names and ages from the plain answer: less than the columns, more than an error.
      logger.log(Level.WARNING, "demo: cannot make a table of " + request.getPath(), e);
      return json(HttpURLConnection.HTTP_OK, body);
    }
  }

  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
      GenericKubernetesResource resource, String newState) {
    if (!path.startsWith(DEFINITIONS)) {
      super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
      return;
    }
    String existing = oldAttributes == null ? null : map.get(oldAttributes);
    if (newState == null) {
      super.processEvent(path, pathAttributes, oldAttributes, null, null);
      if (existing != null) {
        forget(Serialization.unmarshal(existing, CustomResourceDefinition.class));
      }
      return;
    }
    CustomResourceDefinition definition = Serialization.unmarshal(newState, CustomResourceDefinition.class);
    String state = newState;
    GenericKubernetesResource stored = resource;
    if (!established(definition)) {
      definition.setStatus(DemoKinds.establishedStatus(definition, clock.instant()));
      state = Serialization.asJson(definition);
      stored = Serialization.unmarshal(state, GenericKubernetesResource.class);
    }
    super.processEvent(path, pathAttributes, oldAttributes, stored, state);
    DemoKinds.servedVersions(definition).forEach(this::expectCustomResource);
    synchronized (definitions) {
      definitions.put(definition.getMetadata().getName(), definition);
      discovery = DemoDiscovery.of(definitions.values());
    }
  }

  /**
   * Puts an object in the store as it is: objects created through the API get a new uid and creation
   * time and, where the kind has a status subresource, lose their status. It bypasses the store's
   * lock, so it is for filling the store before clients use it.
   */
  void put(ResourceDefinitionContext kind, GenericKubernetesResource object) {
    String namespace = kind.isNamespaceScoped() ? "/namespaces/" + object.getMetadata().getNamespace() : "";
    String path = "/apis/%s/%s%s/%s".formatted(kind.getGroup(), kind.getVersion(), namespace, kind.getPlural());
    object.getMetadata().setResourceVersion(Long.toString(requestResourceVersion()));
    processEvent(path, getKey(path), null, object, Serialization.asJson(object));
  }

  private void forget(CustomResourceDefinition definition) {
    synchronized (definitions) {
      definitions.remove(definition.getMetadata().getName());
      discovery = DemoDiscovery.of(definitions.values());
    }
  }

  private static boolean established(CustomResourceDefinition definition) {
    return definition.getStatus() != null && definition.getStatus().getConditions() != null
        && definition.getStatus().getConditions().stream().anyMatch(
            condition -> "Established".equals(condition.getType()) && "True".equals(condition.getStatus()));
  }

  private List<PrinterColumn> columns(String path) {
    synchronized (definitions) {
      return DemoTables.columns(path, definitions.values());
    }
  }

  /**
   * A clear refusal of the bodies the store cannot read, which it would otherwise answer with an
   * error that names no cause: kubectl sends built-in kinds in protobuf ({@code kubectl create}),
   * and changes to them as strategic merge patches ({@code kubectl apply} of a changed Namespace).
   */
  private static MockResponse unsupported(String contentType) {
    String refused = contentType == null ? null
        : contentType.startsWith("application/vnd.kubernetes.protobuf") ? "protobuf"
        : contentType.startsWith("application/strategic-merge-patch") ? "strategic merge patches"
        : null;
    if (refused == null) {
      return null;
    }
    return status(415, "UnsupportedMediaType", "the demo API server does not read " + refused + ", only JSON objects"
        + " and JSON merge patches: use kubectl apply rather than create, and delete a built-in object (a Namespace)"
        + " before applying it changed");
  }

  /** A failure as the API server words one: a Status object. */
  private static MockResponse status(int code, String reason, String message) {
    return json(code, Serialization.asJson(new StatusBuilder()
        .withStatus("Failure")
        .withReason(reason)
        .withCode(code)
        .withMessage(message)
        .build()));
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse()
        .setResponseCode(code)
        .setHeader("Content-Type", "application/json")
        .setBody(body);
  }
}
