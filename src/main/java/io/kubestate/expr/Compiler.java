package io.kubestate.expr;

import io.kubestate.config.AttributeConfig;
import io.kubestate.config.AttributeSpread;
import io.kubestate.config.Condition;
import io.kubestate.config.ConfigException;
import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Conversion;
import io.kubestate.config.ExprConfig;
import io.kubestate.config.FamilyConfig;
import io.kubestate.config.FamilyType;
import io.kubestate.config.MetricsConfig;
import io.kubestate.config.Position;
import io.kubestate.config.Problems;
import io.kubestate.config.ResourceConfig;
import io.kubestate.config.ServedKind;
import io.kubestate.config.Wildcards;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compiles a config once: parses every path, lays out attributes, and checks what only makes sense
 * across the whole config (names used twice, attributes that collide). Every problem is reported.
 */
public final class Compiler {
  private final Problems problems;
  private final Map<String, FamilyConfig> byName = new HashMap<>();

  private Compiler(Problems problems) {
    this.problems = problems;
  }

  /** Compiles or throws a {@link ConfigException} listing every problem. */
  public static CompiledConfig compile(MetricsConfig config) {
    Problems problems = new Problems();
    CompiledConfig out = compile(config, problems);
    problems.throwIfAny();
    return out;
  }

  /**
   * Compiles what compiles, adding every problem to {@code problems}; the result is only of use
   * when no error was added. The config may come from a parse that had problems: whatever it kept
   * is checked, so that one run reports the problems of every stage.
   */
  public static CompiledConfig compile(MetricsConfig config, Problems problems) {
    CompiledConfig out = new Compiler(problems).compileAll(config);
    // A wildcard entry's families were checked above as those of one kind; it is watched only once
    // resolved, and so starts with none of its kinds.
    return Wildcards.any(config) && !problems.hasErrors() ? resolve(config, List.of()) : out;
  }

  /** Compiles the config with its wildcard entries resolved to the served kinds. */
  static CompiledConfig resolve(MetricsConfig declared, List<ServedKind> served) {
    Wildcards.Expansion expansion = Wildcards.expand(declared, served);
    CompiledConfig out = compile(expansion.config());
    return new CompiledConfig(out.kinds(), out.otlpResourcePerObject(), declared, expansion.matches());
  }

  /**
   * Reads and compiles presets and files; throws a {@link ConfigException} listing the errors of
   * every stage at once, and logs the warnings.
   */
  public static CompiledConfig load(List<String> presets, List<java.nio.file.Path> files) {
    Problems problems = new Problems();
    CompiledConfig out = compile(ConfigLoader.read(presets, files, problems), problems);
    problems.throwIfAny();
    ConfigLoader.logWarnings(problems);
    return out;
  }

  private CompiledConfig compileAll(MetricsConfig config) {
    Map<WatchTarget, List<CompiledFamily>> grouped = new LinkedHashMap<>();
    Map<WatchTarget, Map<String, CompiledFamily>> compatByName = new HashMap<>();
    for (ResourceConfig r : config.resources()) {
      if (!r.complete()) {
        // Nothing to watch, but its families' paths and expressions have problems of their own.
        r.families().forEach(f -> family(r, f));
        continue;
      }
      WatchTarget target = WatchTarget.of(r);
      List<CompiledFamily> families = grouped.computeIfAbsent(target, t -> new ArrayList<>());
      Map<String, CompiledFamily> ksmFamilies = compatByName.computeIfAbsent(target, t -> new HashMap<>());
      Set<String> namesInResource = new HashSet<>();
      for (FamilyConfig f : r.families()) {
        CompiledFamily sameName = ksmFamilies.get(f.name());
        if (f.compat() != null && sameName != null) {
          // kube-state-metrics accepts a name defined twice for one kind (the same metric with other
          // commonLabels) and serves one family; only a second TYPE cannot be served.
          if (checkAgainstOtherDefinitions(f)) {
            mergeCompat(r, f, sameName);
          }
          continue;
        }
        if (!namesInResource.add(f.name())) {
          problems.add(f.position(), "family \"" + f.name() + "\" is defined twice for " + r.groupKind());
          continue;
        }
        checkAgainstOtherDefinitions(f);
        CompiledFamily compiled = family(r, f);
        if (compiled != null) {
          families.add(compiled);
          if (compiled.isCompat()) {
            ksmFamilies.put(f.name(), compiled);
          }
        }
      }
    }
    shareHelp(grouped);
    List<KindMetrics> kinds = new ArrayList<>();
    grouped.forEach((t, fams) -> kinds.add(new KindMetrics(t, fams)));
    return new CompiledConfig(kinds, config.otlpResourcePerObject());
  }

  /**
   * kube-state-metrics writes one HELP per name, the first it meets: its resources in the order of
   * their "group/version, Resource=plural" text (builder.go sorts them), and within one resource the
   * first definition. A kube-state-metrics name shared by several kinds (Flux's gotk_resource_info)
   * takes that one help everywhere, so that OpenTelemetry too sees one description per name.
   */
  private static void shareHelp(Map<WatchTarget, List<CompiledFamily>> grouped) {
    Map<String, String> help = new HashMap<>();
    grouped.entrySet().stream()
        .sorted(Comparator.comparing(e -> storeOrder(e.getKey())))
        .forEach(e -> e.getValue().stream().filter(CompiledFamily::isCompat)
            .forEach(f -> help.putIfAbsent(f.name(), f.description())));
    grouped.values().forEach(families -> families.stream().filter(CompiledFamily::isCompat)
        .forEach(f -> f.describe(help.get(f.name()))));
  }

  /** Without a configured plural the lowercase kind stands in for the CRD's, which sorts alike. */
  private static String storeOrder(WatchTarget t) {
    String resource = t.plural() != null ? t.plural() : t.kind().toLowerCase(Locale.ROOT);
    return t.group() + "/" + t.versions().get(0) + ", Resource=" + resource;
  }

  private void mergeCompat(ResourceConfig r, FamilyConfig f, CompiledFamily into) {
    guardSecrets(r, f);
    into.addCompat(new KsmFamily(f.compat()));
  }

  private void guardSecrets(ResourceConfig r, FamilyConfig f) {
    if (SecretGuard.appliesTo(r)) {
      SecretGuard.check(r, f, problems);
    }
  }

  /**
   * The same name may be produced from several kinds, but then it must mean the same thing.
   *
   * @return whether it does; false when a problem was reported
   */
  private boolean checkAgainstOtherDefinitions(FamilyConfig f) {
    FamilyConfig earlier = byName.putIfAbsent(f.name(), f);
    if (earlier == null) {
      return true;
    }
    boolean same = true;
    if (earlier.type() != f.type()) {
      same = false;
      problems.add(f.position(), "family \"" + f.name() + "\" is a " + f.type().word() + " here but a "
          + earlier.type().word() + " at " + earlier.position());
    }
    if (!earlier.unit().equals(f.unit())) {
      same = false;
      problems.add(f.position(), "family \"" + f.name() + "\" has unit \"" + f.unit() + "\" here but \""
          + earlier.unit() + "\" at " + earlier.position());
    }
    if (earlier.compat() == null && f.compat() == null && !attributeKeys(earlier).equals(attributeKeys(f))) {
      same = false;
      problems.add(f.position(), "family \"" + f.name() + "\" has attributes " + attributeKeys(f) + " here but "
          + attributeKeys(earlier) + " at " + earlier.position() + "; one metric needs one attribute set");
    }
    if ((earlier.aggregate() == null) != (f.aggregate() == null)) {
      same = false;
      problems.add(f.position(), "family \"" + f.name() + "\" is aggregated in one place and not in the other ("
          + earlier.position() + ")");
    }
    return same;
  }

  /** The attribute keys a family declares itself (the resource's may differ between kinds). */
  private static java.util.Set<String> attributeKeys(FamilyConfig f) {
    java.util.Set<String> keys = new java.util.TreeSet<>();
    f.attributes().forEach(a -> keys.add(a.key()));
    if (f.stateAttribute() != null) {
      keys.add(f.stateAttribute());
    }
    if (f.aggregate() != null) {
      keys.retainAll(f.aggregate().by());
      keys.addAll(f.aggregate().by());
    }
    return keys;
  }

  private CompiledFamily family(ResourceConfig r, FamilyConfig f) {
    guardSecrets(r, f);
    if (f.compat() != null) {
      return new CompiledFamily(f.name(), f.type(), f.description(), f.unit(), f.position(), List.of(), List.of(),
          new boolean[0], List.of(), List.of(), List.of(), List.of(), null, List.of(), null).withCompat(new KsmFamily(f.compat()));
    }
    int depth = f.each().size();
    List<Path> each = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      Path p = path(f.each().get(i).path(), f.each().get(i).position(), i);
      if (p != null) {
        each.add(p);
      }
    }
    Map<String, Expression> attributes = new LinkedHashMap<>();
    Set<String> required = new HashSet<>();
    for (AttributeConfig a : r.attributes()) {
      attributes.put(a.key(), attribute(a, -1, required));
    }
    for (AttributeConfig a : f.attributes()) {
      attributes.put(a.key(), attribute(a, depth, required));
    }
    List<String> keys = new ArrayList<>(attributes.keySet());
    List<Expression> values = new ArrayList<>(attributes.values());
    List<Path> spreadPaths = new ArrayList<>();
    List<String> spreadPrefixes = new ArrayList<>();
    if (f.aggregate() == null) {
      for (AttributeSpread s : r.attributesFrom()) {
        Path p = path(s.path(), s.position(), 0);
        if (p != null) {
          spreadPaths.add(p.isRelative() ? anchorAtRoot(p) : p);
          spreadPrefixes.add(s.prefix());
        }
      }
    } else if (!f.attributesFrom().isEmpty()) {
      problems.add(f.attributesFrom().get(0).position(),
          "an aggregated family keeps only its \"by\" attributes; \"attributesFrom\" does not apply");
    }
    for (AttributeSpread s : f.attributesFrom()) {
      Path p = path(s.path(), s.position(), depth);
      if (p != null && f.aggregate() == null) {
        spreadPaths.add(p);
        spreadPrefixes.add(s.prefix());
      }
    }
    if (f.aggregate() != null) {
      List<String> by = f.aggregate().by();
      List<Expression> byValues = new ArrayList<>();
      for (String key : by) {
        if (!attributes.containsKey(key)) {
          problems.add(f.aggregate().position(), "aggregate \"by\" names \"" + key
              + "\", which is not an attribute of this family; attributes: " + String.join(", ", keys));
        }
        byValues.add(attributes.get(key));
      }
      if (new HashSet<>(by).size() != by.size()) {
        problems.add(f.aggregate().position(), "aggregate \"by\" names an attribute twice");
      }
      keys = new ArrayList<>(by);
      values = byValues;
    }
    if (f.type() == FamilyType.STATESET && f.stateAttribute() != null) {
      if (keys.contains(f.stateAttribute())) {
        problems.add(f.position(), "stateAttribute \"" + f.stateAttribute() + "\" is also an attribute of this family");
      }
      keys.add(f.stateAttribute());
      values.add(null);
    }
    List<CompiledFamily.Predicate> when = new ArrayList<>();
    for (Condition c : f.when()) {
      if (c.cel() != null) {
        CelExpression cel = CelExpression.condition(c.cel(), problems);
        if (cel != null) {
          when.add(cel::test);
        }
        continue;
      }
      Path p = path(c.path(), c.position(), depth);
      if (p != null) {
        when.add(new CompiledFamily.PathCondition(p, predicate(p, c)));
      }
    }
    Expression value = f.value() == null ? null : expression(f.value(), depth);
    if (values.stream().anyMatch(Objects::isNull) && f.type() != FamilyType.STATESET) {
      return null;
    }
    boolean[] requiredFlags = new boolean[keys.size()];
    for (int i = 0; i < requiredFlags.length; i++) {
      requiredFlags[i] = required.contains(keys.get(i));
    }
    return new CompiledFamily(f.name(), f.type(), f.description(), f.unit(), f.position(), keys, values,
        requiredFlags, spreadPaths, spreadPrefixes, each,
        when, value, f.states(), f.aggregate() == null ? null : f.aggregate().function());
  }

  /** An attribute's expression; notes in {@code required} whether the attribute is required. */
  private Expression attribute(AttributeConfig a, int depth, Set<String> required) {
    ExprConfig e = a.value();
    if (e instanceof ExprConfig.Modified m && m.required()) {
      required.add(a.key());
      boolean plain = m.mapping() == null && m.fallback() == null && m.unmapped() == null
          && m.conversion() == Conversion.AUTO;
      e = plain ? m.base()
          : new ExprConfig.Modified(m.base(), m.mapping(), m.fallback(), m.unmapped(), m.conversion(), false, m.position());
    } else {
      required.remove(a.key());
    }
    return expression(e, depth);
  }

  /**
   * @param depth the number of enclosing iteration levels; -1 for resource-level attributes, which
   *     are evaluated against the object root whatever the family iterates over
   */
  private Expression expression(ExprConfig e, int depth) {
    if (e instanceof ExprConfig.Path p) {
      Path path = path(p.path(), p.position(), Math.max(depth, 0));
      if (path == null) {
        return new Expression.Constant(null);
      }
      return new Expression.PathExpression(depth < 0 && path.isRelative() ? anchorAtRoot(path) : path);
    }
    if (e instanceof ExprConfig.Literal l) {
      return new Expression.Constant(l.value());
    }
    if (e instanceof ExprConfig.FirstOf f) {
      return new Expression.FirstOf(f.options().stream().map(o -> expression(o, depth)).toArray(Expression[]::new));
    }
    if (e instanceof ExprConfig.Elapsed d) {
      return new Expression.Elapsed(expression(d.from(), depth), d.to() == null ? null : expression(d.to(), depth));
    }
    if (e instanceof ExprConfig.Cel c) {
      CelExpression cel = CelExpression.value(c, depth < 0, problems);
      return cel == null ? new Expression.Constant(null) : cel;
    }
    ExprConfig.Modified m = (ExprConfig.Modified) e;
    if (m.required()) {
      // A value or a condition that yields nothing already gives no sample; only an attribute can be left off.
      problems.add(m.position(), "\"required\" applies to an attribute as a whole, not to a value or an option of \"first\"");
    }
    return new Expression.Modified(expression(m.base(), depth), m.mapping(), m.fallback() != null,
        m.fallback() == null ? null : m.fallback().value(), m.unmapped() != null,
        m.unmapped() == null ? null : m.unmapped().value(), m.conversion());
  }

  private static Path anchorAtRoot(Path p) {
    return Path.parse("$" + (p.toString().startsWith("[") ? "" : ".") + p);
  }

  private Path path(String text, Position at, int depth) {
    try {
      Path p = Path.parse(text);
      if (p.up() > depth) {
        problems.add(at, "path \"" + text + "\" goes up " + p.up() + " level(s) but only " + depth
            + " enclosing iteration level(s) exist here");
        return null;
      }
      return p;
    } catch (IllegalArgumentException ex) {
      problems.add(at, ex.getMessage());
      return null;
    }
  }

  private static CompiledFamily.Predicate predicate(Path path, Condition c) {
    List<Object> ops = c.operands();
    return switch (c.operator()) {
      case EQUALS -> s -> Values.matches(path.get(s), ops.get(0));
      case NOT_EQUALS -> s -> !Values.matches(path.get(s), ops.get(0));
      case IN -> s -> {
        Object v = path.get(s);
        return ops.stream().anyMatch(o -> Values.matches(v, o));
      };
      case NOT_IN -> s -> {
        Object v = path.get(s);
        return ops.stream().noneMatch(o -> Values.matches(v, o));
      };
      case EXISTS -> s -> (path.get(s) != null) == (Boolean) ops.get(0);
    };
  }
}
