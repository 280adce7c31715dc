package io.kubestate.expr;

import java.util.List;
import java.util.Map;

/**
 * A kube-state-metrics path ({@code [status, conditions, "[type=Ready]", status]}) with its exact
 * semantics ({@code compilePath} in pkg/customresourcestate/registry_factory.go): a key on a map,
 * an index (negative from the end) on a list, {@code [k=v]} the first list element whose field
 * equals the value (also compared as a number or boolean when the literal parses as one), and
 * {@code k=v} on a map the field's value when it equals {@code v}, else the literal key.
 */
final class KsmPath {
  private final List<String> segments;

  KsmPath(List<String> segments) {
    this.segments = List.copyOf(segments);
  }

  boolean isEmpty() {
    return segments.isEmpty();
  }

  /** The single segment of a one-segment path, else null. */
  String single() {
    return segments.size() == 1 ? segments.get(0) : null;
  }

  Object get(Object obj) {
    Object cur = obj;
    for (String part : segments) {
      if (cur == null) {
        return null;
      }
      cur = part.startsWith("[") && part.endsWith("]") ? lookup(part, cur) : step(part, cur);
    }
    return cur;
  }

  private static Object lookup(String part, Object cur) {
    String[] kv = part.substring(1, part.length() - 1).split("=", 2);
    if (!(cur instanceof List<?> list) || kv.length != 2) {
      return null;
    }
    for (Object item : list) {
      if (item instanceof Map<?, ?> m && m.containsKey(kv[0])) {
        Object candidate = m.get(kv[0]);
        if (kv[1].equals(candidate) || sameNumber(candidate, kv[1]) || sameBoolean(candidate, kv[1])) {
          return m;
        }
      }
    }
    return null;
  }

  private static Object step(String part, Object cur) {
    if (cur instanceof Map<?, ?> map) {
      String[] kv = part.split("=");
      if (kv.length == 2 && map.containsKey(kv[0]) && kv[1].equals(map.get(kv[0]))) {
        return map.get(kv[0]);
      }
      return map.get(part);
    }
    if (cur instanceof List<?> list) {
      int i;
      try {
        i = Integer.parseInt(part);
      } catch (NumberFormatException e) {
        return null;
      }
      if (i < 0) {
        i += list.size();
      }
      return i >= 0 && i < list.size() ? list.get(i) : null;
    }
    return null;
  }

  private static boolean sameNumber(Object candidate, String literal) {
    try {
      double wanted = Values.toDouble(literal, io.kubestate.config.Conversion.KUBE_STATE_METRICS);
      return Values.toDouble(candidate, io.kubestate.config.Conversion.KUBE_STATE_METRICS) == wanted;
    } catch (EvaluationException e) {
      return false;
    }
  }

  private static boolean sameBoolean(Object candidate, String literal) {
    return candidate instanceof Boolean b && (literal.equalsIgnoreCase("true") || literal.equalsIgnoreCase("false")
        || literal.equals("1") || literal.equals("0") || literal.equalsIgnoreCase("t") || literal.equalsIgnoreCase("f"))
        && b == (literal.equalsIgnoreCase("true") || literal.equals("1") || literal.equalsIgnoreCase("t"));
  }

  @Override
  public String toString() {
    return "[" + String.join(",", segments) + "]";
  }
}
