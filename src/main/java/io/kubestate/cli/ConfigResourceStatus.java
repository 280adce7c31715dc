package io.kubestate.cli;

import io.kubestate.config.Problem;
import io.kubestate.source.ConfigResource;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The status of a MetricsConfig resource: whether it is measured, why not, and every problem of
 * its spec in the form {@code validate} prints them, with the path inside the resource where a
 * file has FILE:LINE:COLUMN.
 *
 * @param reason one word for the condition: Accepted, Invalid, NameConflict, LimitExceeded,
 *     SeriesLimitExceeded
 * @param families the families it defines
 */
record ConfigResourceStatus(boolean ready, String reason, String message, List<Problem> problems, int families) {
  static final String CONDITION = "Ready";

  ConfigResourceStatus {
    problems = List.copyOf(problems);
  }

  /**
   * The status object to write; the condition keeps its transition time while its status stays.
   *
   * @param lastWritten the status last written, which the resource may not show yet: its time
   *     holds too, or a write made in the second before would be made again
   */
  Map<String, Object> toMap(ConfigResource resource, Map<String, Object> lastWritten, Instant now) {
    String status = ready ? "True" : "False";
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("type", CONDITION);
    condition.put("status", status);
    condition.put("observedGeneration", resource.generation());
    String since = transition(resource.status(), status);
    if (since == null && lastWritten != null) {
      since = transition(lastWritten, status);
    }
    condition.put("lastTransitionTime", since != null ? since : now.truncatedTo(ChronoUnit.SECONDS).toString());
    condition.put("reason", reason);
    condition.put("message", message);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("observedGeneration", resource.generation());
    out.put("conditions", List.of(condition));
    out.put("families", families);
    out.put("problems", problems.stream().map(Problem::toString).toList());
    return out;
  }

  /** When the condition of {@code current} turned {@code status}, or null when it is not so. */
  private static String transition(Map<String, Object> current, String status) {
    if (current.get("conditions") instanceof List<?> conditions) {
      for (Object c : conditions) {
        if (c instanceof Map<?, ?> m && CONDITION.equals(m.get("type")) && status.equals(m.get("status"))
            && m.get("lastTransitionTime") instanceof String since) {
          return since;
        }
      }
    }
    return null;
  }
}
