package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAPI v3 documents that tell kubectl each kind's PATCH takes the {@code fieldValidation}
 * parameter. kubectl then leaves validation to the server and sends its objects as they are;
 * otherwise it validates them itself against the OpenAPI v2 document, in protobuf, which the
 * demo does not have. The documents carry no schemas, so that kubectl computes JSON merge
 * patches, the kind the demo's store applies, rather than strategic merge patches.
 */
final class DemoOpenApi {
  static final String ROOT = "/openapi/v3";

  private DemoOpenApi() {
  }

  /** The root document and one per group version, by path. */
  static Map<String, String> documents(Map<String, List<APIResource>> resourcesByGroupVersion, String version) {
    Map<String, String> documents = new LinkedHashMap<>();
    Map<String, Object> index = new LinkedHashMap<>();
    resourcesByGroupVersion.forEach((groupVersion, resources) -> {
      String document = Serialization.asJson(groupVersionDocument(groupVersion, resources, version));
      String relative = DemoDiscovery.path(groupVersion).substring(1);
      documents.put(ROOT + "/" + relative, document);
      // The hash lets kubectl keep a document for as long as it does not change, as a real server's does.
      index.put(relative, Map.of("serverRelativeURL", ROOT + "/" + relative + "?hash=" + sha256(document)));
    });
    documents.put(ROOT, Serialization.asJson(Map.of("paths", index)));
    return documents;
  }

  private static Map<String, Object> groupVersionDocument(
      String groupVersion, List<APIResource> resources, String version) {
    int slash = groupVersion.indexOf('/');
    String group = slash < 0 ? "" : groupVersion.substring(0, slash);
    String versionName = groupVersion.substring(slash + 1);
    Map<String, Object> paths = new LinkedHashMap<>();
    for (APIResource resource : resources) {
      if (resource.getName().contains("/")) {
        continue;
      }
      String path = DemoDiscovery.path(groupVersion)
          + (Boolean.TRUE.equals(resource.getNamespaced()) ? "/namespaces/{namespace}/" : "/")
          + resource.getName() + "/{name}";
      paths.put(path, Map.of("patch", Map.of(
          "operationId", "patch" + resource.getKind(),
          "x-kubernetes-group-version-kind",
          Map.of("group", group, "version", versionName, "kind", resource.getKind()),
          "parameters", List.of(Map.of(
              "name", "fieldValidation",
              "in", "query",
              "description", "How the server treats unknown or duplicate fields: Ignore, Warn or Strict.",
              "schema", Map.of("type", "string"))),
          "responses", Map.of("200", Map.of("description", "OK")))));
    }
    return Map.of(
        "openapi", "3.0.0",
        "info", Map.of("title", "Kubernetes", "version", version),
        "paths", paths);
  }

  private static String sha256(String document) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(document.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
