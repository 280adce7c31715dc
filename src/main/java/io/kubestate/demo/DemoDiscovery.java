package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.RootPathsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents ({@code /version}, {@code /api}, {@code /apis/...}) and OpenAPI v3
 * documents of the demo's built-in kinds and of the definitions in its store at one moment. A
 * definition created or deleted through the API makes a new one.
 */
final class DemoDiscovery {

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");
  private static final Map<String, String> VERSION = Map.of(
      "major", "1",
      "minor", "33",
      "gitVersion", "v1.33.0",
      "platform", "linux/amd64");

  private final Map<String, String> documents = new LinkedHashMap<>();

  private DemoDiscovery(Collection<CustomResourceDefinition> definitions) {
    Map<String, List<APIResource>> resourcesByGroupVersion = new LinkedHashMap<>();
    resourcesByGroupVersion.put("v1", List.of(resource("namespaces", "Namespace", false, List.of("ns"))));
    resourcesByGroupVersion.put("apiextensions.k8s.io/v1", List.of(resource(
        "customresourcedefinitions", "CustomResourceDefinition", false, List.of("crd", "crds"))));
    for (CustomResourceDefinition definition : definitions) {
      CustomResourceDefinitionNames names = definition.getSpec().getNames();
      boolean namespaced = "Namespaced".equals(definition.getSpec().getScope());
      for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
        if (!Boolean.TRUE.equals(version.getServed())) {
          continue;
        }
        List<APIResource> resources = resourcesByGroupVersion.computeIfAbsent(
            definition.getSpec().getGroup() + "/" + version.getName(), groupVersion -> new ArrayList<>());
        resources.add(resource(names.getPlural(), names.getKind(), namespaced, names.getShortNames()));
        if (version.getSubresources() != null && version.getSubresources().getStatus() != null) {
          resources.add(new APIResourceBuilder()
              .withName(names.getPlural() + "/status")
              .withKind(names.getKind())
              .withNamespaced(namespaced)
              .withVerbs(STATUS_VERBS)
              .build());
        }
      }
    }

    Map<String, List<GroupVersionForDiscovery>> versionsByGroup = new LinkedHashMap<>();
    resourcesByGroupVersion.forEach((groupVersion, resources) -> {
      documents.put(path(groupVersion), Serialization.asJson(new APIResourceListBuilder()
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
    groups.forEach(group -> documents.put("/apis/" + group.getName(), Serialization.asJson(group)));
    documents.put("/apis", Serialization.asJson(new APIGroupListBuilder().withGroups(groups).build()));
    documents.put("/api", Serialization.asJson(new APIVersionsBuilder().withVersions("v1").build()));
    documents.put("/version", Serialization.asJson(VERSION));
    List<String> paths = new ArrayList<>(documents.keySet());
    documents.putAll(DemoOpenApi.documents(resourcesByGroupVersion, VERSION.get("gitVersion")));
    paths.add(DemoOpenApi.ROOT);
    documents.put("/", Serialization.asJson(new RootPathsBuilder().withPaths(paths).build()));
  }

  static DemoDiscovery of(Collection<CustomResourceDefinition> definitions) {
    return new DemoDiscovery(definitions);
  }

  /** The document served at {@code path} (without its query), or null when the path is not one. */
  String document(String path) {
    return documents.get(path);
  }

  /** Where the resources of a group version are listed: {@code /api/v1} for the core group. */
  static String path(String groupVersion) {
    return groupVersion.equals("v1") ? "/api/v1" : "/apis/" + groupVersion;
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
}
