package io.kubestate.expr;

import io.kubestate.config.Aggregation;
import io.kubestate.config.FamilyType;
import io.kubestate.config.Position;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A metric family ready to evaluate: paths parsed, attributes resolved, iteration laid out. */
public final class CompiledFamily {
  private final String name;
  private final FamilyType type;
  private String description;
  private final String unit;
  private final Position position;
  private final String[] attributeKeys;
  private final Expression[] attributeValues;
  /** Attributes a sample cannot go without: missing or not a string, the sample is a problem instead. */
  private final boolean[] required;
  private final Path[] spreadPaths;
  private final String[] spreadPrefixes;
  private final Path[] each;
  private final Predicate[] when;
  private final Expression value;
  private final String[] states;
  private final Aggregation.Function aggregate;
  private KsmFamily[] compat;
  /** This family's place among the families of its kind; set once, by the kind. */
  private int index = -1;

  /** A compiled {@code when} condition. */
  interface Predicate {
    boolean test(Scope scope);
  }

  /** A condition on the value at one path, which the projection must keep. */
  record PathCondition(Path path, Predicate condition) implements Predicate {
    @Override
    public boolean test(Scope scope) {
      return condition.test(scope);
    }
  }

  CompiledFamily(String name, FamilyType type, String description, String unit, Position position,
      List<String> attributeKeys, List<Expression> attributeValues, boolean[] required, List<Path> spreadPaths,
      List<String> spreadPrefixes, List<Path> each,
      List<Predicate> when, Expression value, List<String> states, Aggregation.Function aggregate) {
    this.name = name;
    this.type = type;
    this.description = description;
    this.unit = unit;
    this.position = position;
    this.attributeKeys = attributeKeys.toArray(new String[0]);
    this.attributeValues = attributeValues.toArray(new Expression[0]);
    this.required = required;
    this.spreadPaths = spreadPaths.toArray(new Path[0]);
    this.spreadPrefixes = spreadPrefixes.toArray(new String[0]);
    this.each = each.toArray(new Path[0]);
    this.when = when.toArray(new Predicate[0]);
    this.value = value;
    this.states = states.toArray(new String[0]);
    this.aggregate = aggregate;
  }

  public String name() {
    return name;
  }

  public FamilyType type() {
    return type;
  }

  public String description() {
    return description;
  }

  public String unit() {
    return unit;
  }

  public Position position() {
    return position;
  }

  /** Output attribute keys; for a stateset the state attribute is the last. */
  public List<String> attributeKeys() {
    return List.of(attributeKeys);
  }

  /** This family's place in {@link KindMetrics#families()} of its kind, for lookups by array. */
  public int index() {
    return index;
  }

  void placeAt(int index) {
    if (this.index != -1 && this.index != index) {
      throw new IllegalStateException("family " + name + " is placed in two kinds");
    }
    this.index = index;
  }

  /** Null unless the family folds samples across objects. */
  public Aggregation.Function aggregate() {
    return aggregate;
  }

  /**
   * Whether the value is a level that can be added across series (states, counts, info): exported
   * as an UpDownCounter, as semantic conventions do for state metrics; other gauges as Gauges.
   */
  public boolean additive() {
    return type != FamilyType.GAUGE || aggregate != null;
  }

  /** Evaluates this family by kube-state-metrics' rules instead of the native ones. */
  CompiledFamily withCompat(KsmFamily rules) {
    this.compat = new KsmFamily[] {rules};
    return this;
  }

  /**
   * Adds the series of one more kube-state-metrics metric of the same name and kind: kube-state-metrics
   * serves such definitions as one family, under the first one's HELP and TYPE.
   */
  void addCompat(KsmFamily rules) {
    compat = Arrays.copyOf(compat, compat.length + 1);
    compat[compat.length - 1] = rules;
  }

  boolean isCompat() {
    return compat != null;
  }

  /** Sets the help a kube-state-metrics family shares with other kinds' families of its name. */
  void describe(String help) {
    this.description = help;
  }

  /** Tells the projection what this family reads. */
  void project(Projection.Builder b) {
    b.family();
    if (compat != null) {
      // kube-state-metrics paths and wildcards may read any part of the object.
      b.everything();
      return;
    }
    for (Path p : each) {
      b.iterate(p);
    }
    for (Expression e : attributeValues) {
      b.read(e);
    }
    for (Path p : spreadPaths) {
      b.read(p);
    }
    for (Predicate p : when) {
      if (p instanceof PathCondition c) {
        b.read(c.path());
      } else {
        b.everything();
      }
    }
    b.read(value);
  }

  /** Evaluates this family on the object the scope was reset to. */
  public void evaluate(Scope scope, SampleSink sink) {
    try {
      if (compat != null) {
        if (compat.length == 1) {
          compat[0].evaluate(scope.root(), this, sink);
          return;
        }
        FirstDefinitionWins distinct = new FirstDefinitionWins(sink);
        for (KsmFamily rules : compat) {
          rules.evaluate(scope.root(), this, distinct);
          distinct.nextDefinition();
        }
        return;
      }
      iterate(scope, 0, sink);
    } catch (EvaluationException e) {
      sink.problem(this, e.reason(), e.getMessage());
    } catch (RuntimeException e) {
      // One malformed object must never cost the other objects or families their samples.
      sink.problem(this, "internal_error", e.toString());
    }
  }

  private void iterate(Scope scope, int level, SampleSink sink) {
    if (level == each.length) {
      emit(scope, sink);
      return;
    }
    Object items = each[level].get(scope);
    if (items instanceof List<?> list) {
      for (Object item : list) {
        scope.push(item, null);
        try {
          iterate(scope, level + 1, sink);
        } finally {
          scope.pop();
        }
      }
    } else if (items instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        scope.push(e.getValue(), String.valueOf(e.getKey()));
        try {
          iterate(scope, level + 1, sink);
        } finally {
          scope.pop();
        }
      }
    } else if (items != null) {
      scope.push(items, null);
      try {
        iterate(scope, level + 1, sink);
      } finally {
        scope.pop();
      }
    }
  }

  private void emit(Scope scope, SampleSink sink) {
    try {
      emitSample(scope, sink);
    } finally {
      String[] note = scope.takeNote();
      if (note != null) {
        sink.problem(this, note[0], note[1]);
      }
    }
  }

  private void emitSample(Scope scope, SampleSink sink) {
    try {
      for (Predicate p : when) {
        if (!p.test(scope)) {
          return;
        }
      }
      String[] values = new String[attributeKeys.length];
      int own = type == FamilyType.STATESET ? values.length - 1 : values.length;
      for (int i = 0; i < own; i++) {
        Object v = attributeValues[i].evaluate(scope);
        if (required[i] && !(v instanceof String)) {
          throw missing(i, v, scope);
        }
        values[i] = Values.toAttribute(v);
      }
      String[] extra = spreadPaths.length == 0 ? null : spread(scope);
      switch (type) {
        case INFO -> sink.sample(this, values, extra, 1);
        case GAUGE -> {
          if (value == null) {
            sink.sample(this, values, extra, 1);
            return;
          }
          Object v = value.evaluate(scope);
          if (v != null) {
            sink.sample(this, values, extra, Values.toDouble(v, io.kubestate.config.Conversion.AUTO));
          }
        }
        case STATESET -> emitStates(scope, sink, values, extra);
      }
    } catch (EvaluationException e) {
      sink.problem(this, e.reason(), e.getMessage());
    }
  }

  private EvaluationException missing(int attribute, Object value, Scope scope) {
    String key = attributeKeys[attribute];
    if (value != null) {
      return new EvaluationException("not_a_string",
          "attribute " + key + " must be a string, found " + Values.kind(value));
    }
    Object element = scope.element(0);
    if (each.length > 0 && readsElement(attributeValues[attribute]) && !(element instanceof Map)) {
      return new EvaluationException("not_an_object", "an element of " + each[each.length - 1] + " is "
          + Values.kind(element) + ", not an object, so it has no " + key);
    }
    return new EvaluationException("missing_attribute", "attribute " + key + " is required but missing");
  }

  /** Whether the expression reads a field of the innermost element. */
  private static boolean readsElement(Expression e) {
    Expression base = e instanceof Expression.Modified m ? m.base() : e;
    return base instanceof Expression.PathExpression p && p.path().isRelative() && p.path().up() == 0;
  }

  /** Entries of the spread maps whose keys are not already fixed attributes, in key order. */
  private String[] spread(Scope scope) {
    java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
    for (int i = 0; i < spreadPaths.length; i++) {
      if (spreadPaths[i].get(scope) instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
          String v = e.getValue() instanceof Map || e.getValue() instanceof List ? null : Values.toAttribute(e.getValue());
          String key = spreadPrefixes[i] + e.getKey();
          if (v != null && !fixedKey(key)) {
            out.put(key, v);
          }
        }
      }
    }
    String[] flat = new String[out.size() * 2];
    int j = 0;
    for (Map.Entry<String, String> e : out.entrySet()) {
      flat[j++] = e.getKey();
      flat[j++] = e.getValue();
    }
    return flat;
  }

  private boolean fixedKey(String key) {
    for (String k : attributeKeys) {
      if (k.equals(key)) {
        return true;
      }
    }
    return false;
  }

  private void emitStates(Scope scope, SampleSink sink, String[] values, String[] extra) {
    Object v = value.evaluate(scope);
    if (v == null) {
      return;
    }
    String current = Values.toAttribute(v);
    boolean known = false;
    int last = values.length - 1;
    for (String state : states) {
      boolean on = state.equals(current);
      known |= on;
      values[last] = state;
      sink.sample(this, values, extra, on ? 1 : 0);
    }
    if (!known) {
      sink.problem(this, "unexpected_state", "state \"" + current + "\" is not one of the declared states");
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
