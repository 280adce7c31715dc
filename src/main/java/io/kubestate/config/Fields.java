package io.kubestate.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to the keys of one YAML map. Every key that is read is remembered, so that {@link
 * #rejectUnknown()} can report the keys nobody asked for, typos included.
 */
final class Fields {
  private final Node.Mapping map;
  private final Problems problems;
  private final Set<String> known = new LinkedHashSet<>();

  private Fields(Node.Mapping map, Problems problems) {
    this.map = map;
    this.problems = problems;
  }

  /** Null (with a problem recorded) when the node is not a map. */
  static Fields of(Node node, String what, Problems problems) {
    if (node instanceof Node.Mapping m) {
      return new Fields(m, problems);
    }
    problems.add(node.position(), what + " must be a map, found " + node.describe());
    return null;
  }

  Position position() {
    return map.position();
  }

  Node node(String key) {
    known.add(key);
    Node.Mapping.Entry e = map.entries().get(key);
    return e == null ? null : e.value();
  }

  /**
   * The value under {@code key}, or null when the key is absent or its value is {@code null}:
   * YAML readers that decode into typed fields (kube-state-metrics' among them) give a written
   * {@code null} the field's zero value, which is what leaving the key out gives.
   */
  private Node present(String key) {
    Node n = node(key);
    return n instanceof Node.Scalar s && s.value() == null ? null : n;
  }

  boolean has(String key) {
    known.add(key);
    return map.entries().containsKey(key);
  }

  /** Where the value of a key was written, for messages about the value itself. */
  Position valuePosition(String key) {
    Node.Mapping.Entry e = map.entries().get(key);
    return e == null ? map.position() : e.value().position();
  }

  Position keyPosition(String key) {
    Node.Mapping.Entry e = map.entries().get(key);
    return e == null ? map.position() : e.keyPosition();
  }

  String string(String key, boolean required) {
    Node n = present(key);
    if (n == null) {
      if (required) {
        problems.add(map.position(), "missing required key \"" + key + "\"");
      }
      return null;
    }
    if (n instanceof Node.Scalar s && !(s.value() instanceof Map || s.value() instanceof List)) {
      return String.valueOf(s.value());
    }
    problems.add(n.position(), "\"" + key + "\" must be a string, found " + n.describe());
    return null;
  }

  List<String> strings(String key) {
    return stringNodes(key).stream().map(s -> String.valueOf(s.value())).toList();
  }

  /** A string or a list of strings, each with the place it is written at. */
  List<Node.Scalar> stringNodes(String key) {
    Node n = present(key);
    List<Node.Scalar> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (n instanceof Node.Scalar s && s.value() != null) {
      out.add(s);
    } else if (n instanceof Node.Sequence seq) {
      for (Node item : seq.items()) {
        if (item instanceof Node.Scalar s && s.value() != null) {
          out.add(s);
        } else {
          problems.add(item.position(), "\"" + key + "\" entries must be strings, found " + item.describe());
        }
      }
    } else {
      problems.add(n.position(), "\"" + key + "\" must be a string or a list of strings, found " + n.describe());
    }
    return out;
  }

  /** Items of a list-valued key; a single map is accepted as a list of one. */
  List<Node> list(String key) {
    Node n = present(key);
    if (n == null) {
      return List.of();
    }
    if (n instanceof Node.Sequence seq) {
      return seq.items();
    }
    if (n instanceof Node.Mapping) {
      return List.of(n);
    }
    problems.add(n.position(), "\"" + key + "\" must be a list, found " + n.describe());
    return List.of();
  }

  void rejectUnknown() {
    unknownKeys(false, "");
  }

  /** For formats whose own reader ignores unknown keys: said, but the config still loads. */
  void warnUnknown(String consequence) {
    unknownKeys(true, consequence);
  }

  private void unknownKeys(boolean warning, String consequence) {
    for (Map.Entry<String, Node.Mapping.Entry> e : map.entries().entrySet()) {
      if (!known.contains(e.getKey())) {
        String hint = closest(e.getKey(), known);
        String message = "unknown key \"" + e.getKey() + "\"" + (hint == null ? "" : " (did you mean \"" + hint + "\"?)")
            + consequence + "; allowed here: " + String.join(", ", known);
        if (warning) {
          problems.warn(e.getValue().keyPosition(), message);
        } else {
          problems.add(e.getValue().keyPosition(), message);
        }
      }
    }
  }

  /** The map under {@code key}; null when it is absent or null, and when it is not a map (a problem then). */
  private Node.Mapping mapping(String key) {
    Node n = present(key);
    if (n == null) {
      return null;
    }
    if (n instanceof Node.Mapping m) {
      return m;
    }
    problems.add(n.position(), "\"" + key + "\" must be a map, found " + n.describe());
    return null;
  }

  /** A map of strings to strings, such as kube-state-metrics' {@code commonLabels}. */
  Map<String, String> stringMap(String key) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    Node.Mapping m = mapping(key);
    if (m == null) {
      return out;
    }
    m.entries().forEach((k, e) -> {
      if (e.value() instanceof Node.Scalar s && s.value() != null) {
        out.put(k, String.valueOf(s.value()));
      } else {
        problems.add(e.value().position(), "\"" + key + "." + k + "\" must be a string, found " + e.value().describe());
      }
    });
    return out;
  }

  /** A map of strings to lists of strings, such as kube-state-metrics' {@code labelsFromPath}. */
  Map<String, List<String>> pathMap(String key) {
    Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    Node.Mapping m = mapping(key);
    if (m == null) {
      return out;
    }
    m.entries().forEach((k, e) -> {
      if (e.value() instanceof Node.Sequence seq) {
        List<String> path = new ArrayList<>();
        for (Node item : seq.items()) {
          if (item instanceof Node.Scalar s && s.value() != null) {
            path.add(String.valueOf(s.value()));
          } else {
            problems.add(item.position(), "path segments must be strings, found " + item.describe());
          }
        }
        out.put(k, path);
      } else if (e.value() instanceof Node.Scalar s && s.value() == null) {
        out.put(k, List.of());
      } else {
        problems.add(e.value().position(), "\"" + key + "." + k + "\" must be a path (a list of strings), found "
            + e.value().describe());
      }
    });
    return out;
  }

  boolean bool(String key) {
    Node n = present(key);
    if (n == null) {
      return false;
    }
    if (n instanceof Node.Scalar s && s.value() instanceof Boolean b) {
      return b;
    }
    problems.add(n.position(), "\"" + key + "\" must be true or false, found " + n.describe());
    return false;
  }

  private static String closest(String key, Set<String> candidates) {
    String best = null;
    int bestDistance = 3;
    for (String c : candidates) {
      int d = distance(key.toLowerCase(java.util.Locale.ROOT), c.toLowerCase(java.util.Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
