package io.kubestate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/**
 * Whether a status to write says what the resource's status already says. The exporter sees its
 * own writes come back through its watch; writing only what differs ends that loop at once. Both
 * sides are compared as JSON with sorted keys, since the API returns numbers and key orders of its
 * own.
 */
final class StatusComparison {
  private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS,
      true);

  private StatusComparison() {}

  static boolean same(Map<String, Object> wanted, Map<String, Object> current) {
    if (current == null) {
      return false;
    }
    try {
      return JSON.writeValueAsString(wanted).equals(JSON.writeValueAsString(current));
    } catch (JsonProcessingException e) {
      return false;
    }
  }
}
