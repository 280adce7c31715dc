package io.kubestate.expr;

import io.kubestate.config.Conversion;
import java.time.Instant;
import java.util.Map;

/** A compiled expression: evaluated for every sample, so it does no parsing and little allocation. */
public interface Expression {

  /** The value, or null when the object does not have it. */
  Object evaluate(Scope scope);

  record PathExpression(Path path) implements Expression {
    @Override
    public Object evaluate(Scope scope) {
      return path.get(scope);
    }
  }

  record Constant(Object value) implements Expression {
    @Override
    public Object evaluate(Scope scope) {
      return value;
    }
  }

  record FirstOf(Expression[] options) implements Expression {
    @Override
    public Object evaluate(Scope scope) {
      for (Expression e : options) {
        Object v = e.evaluate(scope);
        if (v != null) {
          return v;
        }
      }
      return null;
    }
  }

  /** Seconds between two instants; an absent end means the evaluation clock's now. */
  record Elapsed(Expression from, Expression to) implements Expression {
    @Override
    public Object evaluate(Scope scope) {
      Object start = from.evaluate(scope);
      if (start == null) {
        return null;
      }
      Object end = to == null ? null : to.evaluate(scope);
      Instant endInstant = end == null ? scope.now() : Timestamps.instant(end);
      return Timestamps.epochSeconds(endInstant) - Timestamps.epochSeconds(Timestamps.instant(start));
    }
  }

  record Modified(Expression base, Map<String, Object> mapping, boolean hasFallback, Object fallback,
      boolean hasUnmapped, Object unmapped, Conversion conversion) implements Expression {
    @Override
    public Object evaluate(Scope scope) {
      Object v = base.evaluate(scope);
      if (v == null) {
        return hasFallback ? fallback : null;
      }
      if (mapping != null) {
        String key = Values.toAttribute(v);
        Object mapped = mapping.get(key);
        if (mapped == null && hasUnmapped) {
          scope.note("unexpected_value", "value \"" + key + "\" is not in the mapping table");
          mapped = unmapped;
        }
        if (mapped == null) {
          if (!hasFallback) {
            throw new EvaluationException("unmapped_value", "value \"" + key + "\" is not in the mapping table");
          }
          mapped = fallback;
        }
        v = mapped;
      }
      if (conversion != Conversion.AUTO && v != null) {
        return Values.toDouble(v, conversion);
      }
      return v;
    }
  }
}
