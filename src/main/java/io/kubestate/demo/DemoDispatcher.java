package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.RootPathsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * fabric8's CRUD store, plus the discovery documents ({@code /version}, {@code /api}, {@code
 * /apis/...}) that clients such as kubectl read first, and token and access reviews ({@link
 * DemoReviews}). The store answers only part of discovery, and not when the path carries a query.
 */
final class DemoDispatcher extends KubernetesCrudDispatcher {

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");
  private static final Map<String, String> VERSION = Map.of(
      "major", "1",
      "minor", "33",
      "gitVersion", "v1.33.0",
      "platform", "linux/amd64");

  private final Map<String, String> discovery = new LinkedHashMap<>();
  private final DemoReviews reviews = new DemoReviews();

  DemoDispatcher(List<CustomResourceDefinition> definitions) {
    Map<String, List<APIResource>> resourcesByGroupVersion = new LinkedHashMap<>();
    resourcesByGroupVersion.put("v1", List.of(resource("namespaces", "Namespace", false, List.of("ns"))));
    resourcesByGroupVersion.put("apiextensions.k8s.io/v1", List.of(resource(
        "customresourcedefinitions", "CustomResourceDefinition", false, List.of("crd", "crds"))));
    for (CustomResourceDefinition definition : definitions) {
      CustomResourceDefinitionNames names = definition.getSpec().getNames();
      boolean namespaced = "Namespaced".equals(definition.getSpec().getScope());
      for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
        resourcesByGroupVersion.computeIfAbsent(definition.getSpec().getGroup() + "/" + version.getName(),
            groupVersion -> new ArrayList<>()).addAll(List.of(
                resource(names.getPlural(), names.getKind(), namespaced, names.getShortNames()),
                new APIResourceBuilder()
                    .withName(names.getPlural() + "/status")
                    .withKind(names.getKind())
                    .withNamespaced(namespaced)
                    .withVerbs(STATUS_VERBS)
                    .build()));
      }
    }

    Map<String, List<GroupVersionForDiscovery>> versionsByGroup = new LinkedHashMap<>();
    resourcesByGroupVersion.forEach((groupVersion, resources) -> {
      String path = groupVersion.equals("v1") ? "/api/v1" : "/apis/" + groupVersion;
      discovery.put(path, Serialization.asJson(new APIResourceListBuilder()
          .withGroupVersion(groupVersion)
          .withResources(resources)
          .build()));
      int slash = groupVersion.indexOf('/');
      if (slash > 0) {
        versionsByGroup.computeIfAbsent(groupVersion.substring(0, slash), group -> new ArrayList<>())
            .add(new GroupVersionForDiscovery(groupVersion, groupVersion.substring(slash + 1)));
      }
    });
    List<APIGroup> groups = versionsByGroup.entrySet().stream()
        .map(entry -> new APIGroupBuilder()
            .withName(entry.getKey())
            .withVersions(entry.getValue())
            .withPreferredVersion(entry.getValue().get(0))
            .build())
        .toList();
    groups.forEach(group -> discovery.put("/apis/" + group.getName(), Serialization.asJson(group)));
    discovery.put("/apis", Serialization.asJson(new APIGroupListBuilder().withGroups(groups).build()));
    discovery.put("/api", Serialization.asJson(new APIVersionsBuilder().withVersions("v1").build()));
    discovery.put("/version", Serialization.asJson(VERSION));
    List<String> paths = new ArrayList<>(discovery.keySet());
    discovery.put("/", Serialization.asJson(new RootPathsBuilder().withPaths(paths).build()));
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
    String document = request.method() == HttpMethod.GET
        ? discovery.get(withoutQuery(request.getPath()))
        : null;
    if (document == null) {
      return super.dispatch(request);
    }
    return new MockResponse()
        .setResponseCode(HttpURLConnection.HTTP_OK)
        .setHeader("Content-Type", "application/json")
        .setBody(document);
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

  private static APIResource resource(
      String plural, String kind, boolean namespaced, List<String> shortNames) {
    return new APIResourceBuilder()
        .withName(plural)
        .withKind(kind)
        .withNamespaced(namespaced)
        .withShortNames(shortNames)
        .withVerbs(VERBS)
        .build();
  }

  private static String withoutQuery(String path) {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }
}
