package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.RootPathsBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * fabric8's CRUD store, plus the discovery documents ({@code /version}, {@code /api}, {@code /apis}) it does not
 * produce and that clients such as kubectl read before anything else.
 */
final class DemoDispatcher extends KubernetesCrudDispatcher {

    private static final String API_EXTENSIONS = "apiextensions.k8s.io/v1";
    private static final Map<String, String> VERSION = Map.of(
            "major", "1",
            "minor", "33",
            "gitVersion", "v1.33.0",
            "platform", "linux/amd64");

    private final Map<String, String> discovery = new LinkedHashMap<>();

    DemoDispatcher(List<CustomResourceDefinition> definitions) {
        Map<String, Set<String>> versionsByGroup = new LinkedHashMap<>();
        versionsByGroup.put("apiextensions.k8s.io", Set.of("v1"));
        definitions.forEach(definition -> definition.getSpec().getVersions().stream()
                .map(CustomResourceDefinitionVersion::getName)
                .forEach(version -> versionsByGroup
                        .computeIfAbsent(definition.getSpec().getGroup(), group -> new LinkedHashSet<>())
                        .add(version)));
        List<APIGroup> groups = versionsByGroup.entrySet().stream()
                .map(entry -> group(entry.getKey(), List.copyOf(entry.getValue())))
                .toList();
        List<String> paths = new ArrayList<>(List.of("/api", "/api/v1", "/apis", "/version"));
        groups.forEach(group -> {
            paths.add("/apis/" + group.getName());
            group.getVersions().forEach(version -> paths.add("/apis/" + version.getGroupVersion()));
        });

        discovery.put("/", Serialization.asJson(new RootPathsBuilder().withPaths(paths).build()));
        discovery.put("/version", Serialization.asJson(VERSION));
        discovery.put("/api", Serialization.asJson(new APIVersionsBuilder().withVersions("v1").build()));
        discovery.put("/api/v1", Serialization.asJson(new APIResourceListBuilder()
                .withGroupVersion("v1")
                .addNewResource().withName("namespaces").withKind("Namespace").withNamespaced(false)
                .withVerbs("create", "delete", "get", "list", "patch", "update", "watch").endResource()
                .build()));
        discovery.put("/apis", Serialization.asJson(new APIGroupListBuilder().withGroups(groups).build()));
        discovery.put("/apis/" + API_EXTENSIONS, Serialization.asJson(new APIResourceListBuilder()
                .withGroupVersion(API_EXTENSIONS)
                .addNewResource().withName("customresourcedefinitions").withKind("CustomResourceDefinition")
                .withNamespaced(false).withShortNames("crd", "crds")
                .withVerbs("create", "delete", "get", "list", "patch", "update", "watch").endResource()
                .build()));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String document = request.method() == HttpMethod.GET ? discovery.get(withoutQuery(request.getPath())) : null;
        if (document == null) {
            return super.dispatch(request);
        }
        return new MockResponse()
                .setResponseCode(HttpURLConnection.HTTP_OK)
                .setHeader("Content-Type", "application/json")
                .setBody(document);
    }

    /**
     * Puts an object in the store as it is: objects created through the API get a new uid and creation time and,
     * where the kind has a status subresource, lose their status. It bypasses the store's lock, so it is for filling
     * the store before clients use it.
     */
    void put(ResourceDefinitionContext kind, GenericKubernetesResource object) {
        String path = "/apis/%s/%s/namespaces/%s/%s".formatted(
                kind.getGroup(), kind.getVersion(), object.getMetadata().getNamespace(), kind.getPlural());
        object.getMetadata().setResourceVersion(Long.toString(requestResourceVersion()));
        processEvent(path, getKey(path), null, object, Serialization.asJson(object));
    }

    private static APIGroup group(String name, List<String> versions) {
        List<GroupVersionForDiscovery> served = versions.stream()
                .map(version -> new GroupVersionForDiscovery(name + "/" + version, version))
                .toList();
        return new APIGroupBuilder()
                .withName(name)
                .withVersions(served)
                .withPreferredVersion(served.get(0))
                .build();
    }

    private static String withoutQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }
}
