package io.kubestate.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code spec} of a MetricsConfig custom resource: the native config language, as the
 * API server returns it (plain maps and lists, no lines or columns). Each problem is placed at the
 * path inside the resource, {@code spec.resources[0].families[1].value}, where a file's problem has
 * FILE:LINE:COLUMN.
 */
public final class ResourceSpec {
  /** The root of every position. */
  public static final String ROOT = "spec";
  /** Keys written after a dot; others, such as attribute names with dots, in brackets. */
  private static final java.util.regex.Pattern PLAIN_KEY = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private ResourceSpec() {}

  /** The config the spec says; problems (errors and warnings) are added to {@code problems}. */
  public static MetricsConfig parse(Object spec, Problems problems) {
    Node root = node(spec, ROOT);
    if (!(root instanceof Node.Mapping m)) {
      problems.add(root.position(), "the spec must be a map with \"resources\", found " + root.describe());
      return new MetricsConfig(List.of());
    }
    Map<String, Node.Mapping.Entry> entries = new LinkedHashMap<>(m.entries());
    for (String own : List.of("kind", "include")) {
      Node.Mapping.Entry e = entries.remove(own);
      if (e != null) {
        problems.add(e.keyPosition(), own.equals("kind")
            ? "\"kind\" is not part of the spec: the resource's own kind is MetricsConfig"
            : "\"include\" is not available in a MetricsConfig resource: presets measure the whole cluster;"
                + " copy the families you need into \"resources\"");
      }
    }
    Position at = m.position();
    entries.put("kind", new Node.Mapping.Entry(at, new Node.Scalar(NativeConfigParser.KIND, at)));
    Fields top = Fields.of(new Node.Mapping(entries, at), "the spec", problems);
    MetricsConfig config = new NativeConfigParser(problems).parse(top);
    for (ResourceConfig r : config.resources()) {
      if (r.wildcard()) {
        // A wildcard watches a whole group cluster-wide, beyond what one namespace's config should start.
        problems.add(r.position(), "a wildcard version or kind is not available in a MetricsConfig resource: name"
            + " each kind, or ask for the wildcard in the exporter's own config");
      }
    }
    return config;
  }

  private static Node node(Object value, String path) {
    Position at = Position.of(path);
    if (value instanceof Map<?, ?> map) {
      Map<String, Node.Mapping.Entry> entries = new LinkedHashMap<>();
      map.forEach((k, v) -> {
        String key = String.valueOf(k);
        Position keyAt = Position.of(path + (PLAIN_KEY.matcher(key).matches() ? "." + key : "[\"" + key + "\"]"));
        entries.put(key, new Node.Mapping.Entry(keyAt, node(v, keyAt.source())));
      });
      return new Node.Mapping(entries, at);
    }
    if (value instanceof List<?> list) {
      List<Node> items = new java.util.ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        items.add(node(list.get(i), path + "[" + i + "]"));
      }
      return new Node.Sequence(List.copyOf(items), at);
    }
    return new Node.Scalar(value, at);
  }
}
