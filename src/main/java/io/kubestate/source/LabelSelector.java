package io.kubestate.source;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector string ({@code a=b,c!=d,e,!f,g in (x,y),h notin (z)}) matched on the
 * client side, so that {@code render} selects the objects the API server would.
 */
public final class LabelSelector implements Predicate<Map<String, String>> {
  private final List<Predicate<Map<String, String>>> requirements;

  private LabelSelector(List<Predicate<Map<String, String>>> requirements) {
    this.requirements = requirements;
  }

  public static LabelSelector parse(String selector) {
    List<Predicate<Map<String, String>>> reqs = new ArrayList<>();
    for (String part : split(selector)) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      reqs.add(requirement(p));
    }
    return new LabelSelector(reqs);
  }

  @Override
  public boolean test(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    return requirements.stream().allMatch(r -> r.test(l));
  }

  /** Whether the labels of an object, a plain map as the cache and the file source hold it, match. */
  public boolean matches(Map<String, Object> object) {
    return test(labels(object));
  }

  /** {@code metadata.labels}, read as strings; none when the object has no such map. */
  @SuppressWarnings("unchecked")
  private static Map<String, String> labels(Map<String, Object> object) {
    if (!(object.get("metadata") instanceof Map<?, ?> meta && meta.get("labels") instanceof Map<?, ?> labels)) {
      return Map.of();
    }
    for (Map.Entry<?, ?> e : labels.entrySet()) {
      if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) {
        // Written by hand (a YAML file's `app: 1`): compared as the API would store it, as text.
        Map<String, String> out = new HashMap<>();
        labels.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
      }
    }
    return (Map<String, String>) labels;
  }

  private static Predicate<Map<String, String>> requirement(String p) {
    String[] setForm = p.split("\\s+(?=(in|notin)\\s*\\()", 2);
    if (setForm.length == 2) {
      String key = setForm[0].strip();
      boolean in = setForm[1].startsWith("in");
      String body = setForm[1].substring(setForm[1].indexOf('(') + 1, setForm[1].lastIndexOf(')'));
      Set<String> values = Arrays.stream(body.split(",")).map(String::strip).collect(Collectors.toSet());
      return in ? l -> values.contains(l.get(key)) : l -> !values.contains(l.get(key));
    }
    if (p.startsWith("!")) {
      String key = p.substring(1).strip();
      return l -> !l.containsKey(key);
    }
    int ne = p.indexOf("!=");
    if (ne > 0) {
      String key = p.substring(0, ne).strip();
      String value = p.substring(ne + 2).strip();
      return l -> !value.equals(l.get(key));
    }
    int eq = p.indexOf('=');
    if (eq > 0) {
      String key = p.substring(0, eq).strip();
      String value = p.substring(p.startsWith("==", eq) ? eq + 2 : eq + 1).strip();
      return l -> value.equals(l.get(key));
    }
    return l -> l.containsKey(p);
  }

  /** Splits on commas outside parentheses. */
  private static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }
}
