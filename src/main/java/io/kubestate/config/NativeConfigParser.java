package io.kubestate.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads the native {@code kind: MetricsConfig} format into the config model. */
final class NativeConfigParser {
  static final String KIND = "MetricsConfig";
  private static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-/]{0,254}");
  private static final Pattern ATTRIBUTE_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-/]*");

  private final Problems problems;

  NativeConfigParser(Problems problems) {
    this.problems = problems;
  }

  MetricsConfig parse(Fields top) {
    top.string("kind", true);
    top.string("description", false);
    List<String> includes = top.strings("include");
    for (String name : includes) {
      if (!Presets.exists(name)) {
        problems.add(top.valuePosition("include"), "\"include\" names no preset \"" + name + "\"; available: "
            + String.join(", ", Presets.names()));
      }
    }
    List<ResourceConfig> resources = new ArrayList<>();
    for (Node n : top.list("resources")) {
      ResourceConfig r = resource(n);
      if (r != null) {
        resources.add(r);
      }
    }
    if (!top.has("resources") && includes.isEmpty()) {
      problems.add(top.position(), "missing required key \"resources\" (or \"include\")");
    }
    OtlpOptions otlp = top.has("otlp") ? otlp(top.node("otlp")) : null;
    top.rejectUnknown();
    return new MetricsConfig(resources, includes, otlp);
  }

  private OtlpOptions otlp(Node node) {
    Fields f = Fields.of(node, "\"otlp\"", problems);
    if (f == null) {
      return null;
    }
    boolean set = f.has("resourcePerObject");
    boolean perObject = f.bool("resourcePerObject");
    f.rejectUnknown();
    return set ? new OtlpOptions(perObject, f.valuePosition("resourcePerObject")) : null;
  }

  private ResourceConfig resource(Node node) {
    Fields f = Fields.of(node, "a resource", problems);
    if (f == null) {
      return null;
    }
    String group = f.string("group", false);
    List<String> versions = new ArrayList<>();
    String version = f.string("version", false);
    if (version != null) {
      versions.add(version);
    }
    versions.addAll(f.strings("versions"));
    if (versions.isEmpty()) {
      problems.add(f.position(), "missing required key \"version\" (or \"versions\", in order of preference)");
    } else if (version != null && f.has("versions") && versions.size() > 1) {
      problems.add(f.keyPosition("versions"), "give either \"version\" or \"versions\", not both");
    }
    String kind = f.string("kind", true);
    String plural = f.string("plural", false);
    checkWildcard(f, group, versions, kind, plural);
    String selector = f.string("labelSelector", false);
    List<AttributeConfig> attributes = attributes(f);
    List<AttributeSpread> spreads = spreads(f);
    List<FamilyConfig> families = new ArrayList<>();
    for (Node n : f.list("families")) {
      FamilyConfig fam = family(n);
      if (fam != null) {
        families.add(fam);
      }
    }
    if (families.isEmpty() && f.has("families")) {
      problems.add(f.keyPosition("families"), "\"families\" is empty: this resource would produce no metrics");
    } else if (!f.has("families")) {
      problems.add(f.position(), "missing required key \"families\"");
    }
    f.rejectUnknown();
    // Kept without its kind or version (a problem already), so that its families are checked too.
    return new ResourceConfig(group == null ? "" : group, versions, kind == null ? "" : kind, plural, selector,
        attributes, spreads, families, f.position());
  }

  private void checkWildcard(Fields f, String group, List<String> versions, String kind, String plural) {
    boolean anyVersion = versions.contains(ResourceConfig.ANY);
    boolean anyKind = ResourceConfig.ANY.equals(kind);
    if (!anyVersion && !anyKind) {
      return;
    }
    if (group == null || group.isEmpty() || ResourceConfig.ANY.equals(group)) {
      problems.add(f.position(), "a wildcard version or kind needs a \"group\": it stands for the kinds that"
          + " CustomResourceDefinitions of that one group define");
    }
    if (anyVersion && versions.size() > 1) {
      problems.add(f.keyPosition("versions"), "\"*\" stands for every served version; list versions or give \"*\""
          + " alone");
    }
    if (anyKind && plural != null) {
      problems.add(f.keyPosition("plural"), "\"plural\" names the resource of one kind; with kind \"*\" each kind's"
          + " plural comes from its CustomResourceDefinition");
    }
  }

  private FamilyConfig family(Node node) {
    Fields f = Fields.of(node, "a family", problems);
    if (f == null) {
      return null;
    }
    String name = f.string("name", true);
    if (name != null && !METRIC_NAME.matcher(name).matches()) {
      problems.add(f.valuePosition("name"), "invalid metric name \"" + name
          + "\": letters, digits, '_', '.', '-' and '/', starting with a letter, at most 255 characters");
    }
    FamilyType type = type(f);
    String description = f.string("description", false);
    String unit = f.string("unit", false);
    List<ExprConfig.Path> each = f.stringNodes("each").stream()
        .map(s -> new ExprConfig.Path(String.valueOf(s.value()), s.position())).toList();
    List<AttributeConfig> attributes = attributes(f);
    List<AttributeSpread> spreads = spreads(f);
    ExprConfig value = f.has("value") ? ExprParser.parse(f.node("value"), problems) : null;
    List<String> states = f.strings("states");
    String stateAttribute = f.string("stateAttribute", false);
    List<Condition> when = new ArrayList<>();
    for (Node n : f.list("when")) {
      Condition c = condition(n);
      if (c != null) {
        when.add(c);
      }
    }
    Aggregation aggregate = f.has("aggregate") ? aggregation(f.node("aggregate")) : null;
    f.rejectUnknown();
    if (type != null) {
      checkShape(f, type, value, states, stateAttribute, aggregate);
    }
    if (name == null || type == null) {
      return null;
    }
    return new FamilyConfig(
        name, type, description == null ? "" : description, unit == null ? "" : unit, each,
        attributes, spreads, value, states, stateAttribute, when, aggregate, null, f.position());
  }

  private FamilyType type(Fields f) {
    String word = f.string("type", true);
    if (word == null) {
      return null;
    }
    try {
      return FamilyType.valueOf(word.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(f.valuePosition("type"), "unknown family type \"" + word + "\"; use gauge, stateset or info");
      return null;
    }
  }

  private void checkShape(Fields f, FamilyType type, ExprConfig value, List<String> states, String stateAttribute,
      Aggregation aggregate) {
    boolean counting = aggregate != null && aggregate.function() == Aggregation.Function.COUNT;
    if (counting && value != null) {
      problems.add(f.keyPosition("value"), "a family that counts samples takes no \"value\"; use function: sum to add values");
      return;
    }
    switch (type) {
      case GAUGE -> {
        if (value == null && !counting) {
          problems.add(f.position(), "a gauge needs a \"value\"" + (aggregate != null ? " to sum" : ""));
        }
        rejectStateKeys(f, states, stateAttribute, "gauge");
      }
      case INFO -> {
        if (value != null) {
          problems.add(f.keyPosition("value"), "an info family is always 1; remove \"value\" or use a gauge");
        }
        rejectStateKeys(f, states, stateAttribute, "info family");
      }
      case STATESET -> {
        if (value == null) {
          problems.add(f.position(), "a stateset needs a \"value\" giving the current state");
        }
        if (states.isEmpty()) {
          problems.add(f.position(), "a stateset needs a non-empty \"states\" list");
        }
        if (stateAttribute == null) {
          problems.add(f.position(), "a stateset needs a \"stateAttribute\" naming the state attribute");
        }
        if (states.size() != new java.util.HashSet<>(states).size()) {
          problems.add(f.keyPosition("states"), "\"states\" lists a state twice");
        }
      }
    }
  }

  private void rejectStateKeys(Fields f, List<String> states, String stateAttribute, String what) {
    if (!states.isEmpty()) {
      problems.add(f.keyPosition("states"), "\"states\" applies to a stateset, not a " + what);
    }
    if (stateAttribute != null) {
      problems.add(f.keyPosition("stateAttribute"), "\"stateAttribute\" applies to a stateset, not a " + what);
    }
  }

  private List<AttributeConfig> attributes(Fields f) {
    Node n = f.node("attributes");
    List<AttributeConfig> out = new ArrayList<>();
    if (n == null) {
      return out;
    }
    if (!(n instanceof Node.Mapping map)) {
      problems.add(n.position(), "\"attributes\" must be a map from attribute key to expression, found " + n.describe());
      return out;
    }
    map.entries().forEach((key, entry) -> {
      if (!ATTRIBUTE_KEY.matcher(key).matches()) {
        problems.add(entry.keyPosition(), "invalid attribute key \"" + key + "\"");
      }
      out.add(new AttributeConfig(key, ExprParser.parse(entry.value(), problems), entry.keyPosition()));
    });
    return out;
  }

  private List<AttributeSpread> spreads(Fields f) {
    List<AttributeSpread> out = new ArrayList<>();
    for (Node n : f.list("attributesFrom")) {
      Fields s = Fields.of(n, "an \"attributesFrom\" entry", problems);
      if (s == null) {
        continue;
      }
      String path = s.string("path", true);
      String prefix = s.string("prefix", false);
      s.rejectUnknown();
      if (path != null) {
        out.add(new AttributeSpread(path, prefix == null ? "" : prefix, s.valuePosition("path")));
      }
    }
    return out;
  }

  private Condition condition(Node node) {
    Fields f = Fields.of(node, "a condition", problems);
    if (f == null) {
      return null;
    }
    if (f.has("cel")) {
      ExprConfig.Cel cel = ExprParser.cel(f);
      for (String other : List.of("path", "equals", "notEquals", "in", "notIn", "exists")) {
        if (f.has(other)) {
          problems.add(f.keyPosition(other), "a condition with \"cel\" takes no \"" + other + "\"");
        }
      }
      f.rejectUnknown();
      return cel == null ? null : Condition.ofCel(cel, f.position());
    }
    String path = f.string("path", true);
    Condition.Operator op = null;
    List<Object> operands = new ArrayList<>();
    for (Condition.Operator candidate : Condition.Operator.values()) {
      Node n = f.node(candidate.key());
      if (n == null) {
        continue;
      }
      if (op != null) {
        problems.add(n.position(), "a condition takes one operator; found \"" + op.key() + "\" and \"" + candidate.key() + "\"");
        continue;
      }
      op = candidate;
      Object plain = n.toPlain();
      switch (candidate) {
        case IN, NOT_IN -> {
          if (plain instanceof List<?> list) {
            list.forEach(o -> operands.add(o));
          } else {
            problems.add(n.position(), "\"" + candidate.key() + "\" needs a list");
          }
        }
        case EXISTS -> {
          if (plain instanceof Boolean b) {
            operands.add(b);
          } else {
            problems.add(n.position(), "\"exists\" needs true or false");
          }
        }
        default -> {
          if (plain instanceof Map || plain instanceof List) {
            problems.add(n.position(), "\"" + candidate.key() + "\" needs a single value");
          } else {
            operands.add(plain);
          }
        }
      }
    }
    if (op == null) {
      problems.add(f.position(), "a condition needs one of equals, notEquals, in, notIn, exists (or is {cel: ...})");
    }
    f.rejectUnknown();
    return path == null || op == null ? null : new Condition(path, op, operands, f.valuePosition("path"));
  }

  private Aggregation aggregation(Node node) {
    Fields f = Fields.of(node, "\"aggregate\"", problems);
    if (f == null) {
      return null;
    }
    String fn = f.string("function", true);
    List<String> by = f.strings("by");
    f.rejectUnknown();
    if (fn == null) {
      return null;
    }
    try {
      return new Aggregation(Aggregation.Function.valueOf(fn.toUpperCase(Locale.ROOT)), by, f.position());
    } catch (IllegalArgumentException e) {
      problems.add(f.valuePosition("function"), "unknown aggregate function \"" + fn + "\"; use count or sum");
      return null;
    }
  }
}
