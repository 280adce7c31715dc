package io.kubestate.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Expressions: a string is a path; a number or boolean a constant; a map the long form. */
final class ExprParser {
  private ExprParser() {}

  /** The {@code cel} key of a map, positioned at its text so that CEL's errors point there. */
  static ExprConfig.Cel cel(Fields f) {
    String source = f.string("cel", true);
    Position text = f.node("cel") instanceof Node.Scalar s ? s.text() : null;
    return source == null ? null : new ExprConfig.Cel(source, f.valuePosition("cel"), text);
  }

  static ExprConfig parse(Node node, Problems problems) {
    if (node instanceof Node.Scalar s) {
      if (s.value() instanceof String path) {
        return new ExprConfig.Path(path, s.position());
      }
      return new ExprConfig.Literal(s.value(), s.position());
    }
    if (node instanceof Node.Sequence seq) {
      problems.add(seq.position(), "an expression is a path, a constant or a map; to try several paths in turn use {first: [...]}");
      return new ExprConfig.Literal(null, seq.position());
    }
    Fields f = Fields.of(node, "an expression", problems);
    ExprConfig base = base(f, problems);
    Map<String, Object> mapping = null;
    Node mapNode = f.node("map");
    if (mapNode != null) {
      if (mapNode instanceof Node.Mapping m) {
        mapping = new LinkedHashMap<>();
        for (Map.Entry<String, Node.Mapping.Entry> e : m.entries().entrySet()) {
          Object v = e.getValue().value().toPlain();
          if (v instanceof Map || v instanceof List) {
            problems.add(e.getValue().value().position(), "a \"map\" value must be a number or a string");
          }
          mapping.put(e.getKey(), v);
        }
      } else {
        problems.add(mapNode.position(), "\"map\" must be a map from value to result");
      }
    }
    ExprConfig.Literal fallback = null;
    Node def = f.node("default");
    if (def != null) {
      fallback = new ExprConfig.Literal(def.toPlain(), def.position());
    }
    Conversion conversion = Conversion.AUTO;
    String as = f.string("as", false);
    if (as != null) {
      try {
        conversion = Conversion.fromWord(as);
      } catch (IllegalArgumentException e) {
        problems.add(f.valuePosition("as"), "unknown conversion \"" + as
            + "\"; use number, boolean, timestamp, duration, quantity or kube-state-metrics");
      }
    }
    ExprConfig.Literal unmapped = null;
    Node unmappedNode = f.node("unmapped");
    if (unmappedNode != null) {
      unmapped = new ExprConfig.Literal(unmappedNode.toPlain(), unmappedNode.position());
      if (mapping == null) {
        problems.add(unmappedNode.position(), "\"unmapped\" needs a \"map\" table");
      }
    }
    boolean required = f.bool("required");
    if (required && fallback != null) {
      problems.add(f.keyPosition("required"), "\"required\" and \"default\" contradict each other; keep one");
    }
    f.rejectUnknown();
    if (mapping == null && fallback == null && unmapped == null && conversion == Conversion.AUTO && !required) {
      return base;
    }
    return new ExprConfig.Modified(base, mapping, fallback, unmapped, conversion, required, f.position());
  }

  private static ExprConfig base(Fields f, Problems problems) {
    List<String> present = new ArrayList<>();
    for (String k : List.of("path", "value", "first", "duration", "cel")) {
      if (f.has(k)) {
        present.add(k);
      }
    }
    if (present.size() != 1) {
      problems.add(f.position(), present.isEmpty()
          ? "an expression map needs one of path, value, first, duration, cel"
          : "an expression takes one of path, value, first, duration, cel; found " + String.join(" and ", present));
      return new ExprConfig.Literal(null, f.position());
    }
    switch (present.get(0)) {
      case "cel" -> {
        ExprConfig.Cel cel = cel(f);
        return cel == null ? new ExprConfig.Literal(null, f.position()) : cel;
      }
      case "path" -> {
        String p = f.string("path", true);
        return p == null ? new ExprConfig.Literal(null, f.position()) : new ExprConfig.Path(p, f.valuePosition("path"));
      }
      case "value" -> {
        Node v = f.node("value");
        return new ExprConfig.Literal(v.toPlain(), v.position());
      }
      case "first" -> {
        List<ExprConfig> options = new ArrayList<>();
        for (Node n : f.list("first")) {
          options.add(parse(n, problems));
        }
        if (options.isEmpty()) {
          problems.add(f.keyPosition("first"), "\"first\" needs at least one expression");
        }
        return new ExprConfig.FirstOf(options, f.keyPosition("first"));
      }
      default -> {
        Fields d = Fields.of(f.node("duration"), "\"duration\"", problems);
        if (d == null) {
          return new ExprConfig.Literal(null, f.position());
        }
        Node from = d.node("from");
        Node to = d.node("to");
        d.rejectUnknown();
        if (from == null) {
          problems.add(d.position(), "\"duration\" needs \"from\"");
          return new ExprConfig.Literal(null, d.position());
        }
        return new ExprConfig.Elapsed(
            parse(from, problems), to == null ? null : parse(to, problems), f.keyPosition("duration"));
      }
    }
  }
}
