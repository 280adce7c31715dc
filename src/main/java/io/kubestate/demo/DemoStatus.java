package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading and writing the loosely typed parts (spec, status, conditions) of demo objects. */
final class DemoStatus {

  static final String TRUE = "True";
  static final String FALSE = "False";
  static final String UNKNOWN = "Unknown";

  private DemoStatus() {
  }

  static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  static Map<String, Object> spec(GenericKubernetesResource resource) {
    return section(resource, "spec");
  }

  static Map<String, Object> status(GenericKubernetesResource resource) {
    return section(resource, "status");
  }

  static Map<String, Object> condition(
      String type, String status, String reason, String message, Instant at) {
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("type", type);
    condition.put("status", status);
    condition.put("reason", reason);
    condition.put("message", message);
    condition.put("lastTransitionTime", timestamp(at));
    return condition;
  }

  /** Replaces the condition of the same type, or appends it, as condition managers do. */
  static void setCondition(GenericKubernetesResource resource, Map<String, Object> condition) {
    List<Map<String, Object>> conditions = list(status(resource), "conditions");
    conditions.removeIf(existing -> condition.get("type").equals(existing.get("type")));
    conditions.add(condition);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    return (List<Map<String, Object>>)
        parent.computeIfAbsent(key, k -> new ArrayList<Map<String, Object>>());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> section(GenericKubernetesResource resource, String name) {
    return (Map<String, Object>) resource.getAdditionalProperties()
        .computeIfAbsent(name, k -> new LinkedHashMap<String, Object>());
  }
}
