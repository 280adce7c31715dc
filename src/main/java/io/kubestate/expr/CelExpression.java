package io.kubestate.expr;

import com.google.common.primitives.UnsignedLong;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelErrorCode;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelOptionalLibrary;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.kubestate.config.ExprConfig;
import io.kubestate.config.Position;
import io.kubestate.config.Problems;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An expression written in CEL, compiled once with the config. The variables are described in
 * {@link CelVariables}; the result is converted to the plain values the rest of the engine reads.
 */
final class CelExpression implements Expression {
  /**
   * Comprehension steps (all macros of one evaluation together) before the evaluation is stopped.
   * Generous for a filter over the longest lists objects carry, small enough that an expression
   * nesting macros over them is stopped after tens of milliseconds instead of stalling the scrape.
   */
  static final int MAX_ITERATIONS = 10_000;

  /** RE2 program size of a {@code matches()} pattern, which may come from the object itself. */
  static final int MAX_REGEX_PROGRAM_SIZE = 1_000;

  private static final CelOptions OPTIONS = CelOptions.current()
      .enableOptionalSyntax(true)
      // Objects mix integers and fractions freely; 2 > 1.5 should not need a cast.
      .enableHeterogeneousNumericComparisons(true)
      .comprehensionMaxIterations(MAX_ITERATIONS)
      .maxRegexProgramSize(MAX_REGEX_PROGRAM_SIZE)
      .build();
  private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
      .setOptions(OPTIONS)
      .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
      .addLibraries(CelOptionalLibrary.INSTANCE)
      .addVar("object", MapType.create(SimpleType.STRING, SimpleType.DYN))
      .addVar("self", SimpleType.DYN)
      .addVar("parent", SimpleType.DYN)
      .addVar("key", SimpleType.STRING)
      .addVar("now", SimpleType.TIMESTAMP)
      .build();
  // The legacy interpreter reads maps in place; the planner converts whole containers on every
  // field access, which would walk entire objects per expression.
  private static final CelRuntime RUNTIME = CelRuntimeFactory.legacyCelRuntimeBuilder()
      .setOptions(OPTIONS)
      .addLibraries(CelOptionalLibrary.INSTANCE)
      .build();

  private final CelRuntime.Program program;
  private final boolean rootOnly;
  private final Position position;

  private CelExpression(CelRuntime.Program program, boolean rootOnly, Position position) {
    this.program = program;
    this.rootOnly = rootOnly;
    this.position = position;
  }

  /**
   * Compiles a value expression, or returns null with every CEL issue added to {@code problems}.
   *
   * @param rootOnly the expression is a resource-level attribute, read from the object root
   */
  static CelExpression value(ExprConfig.Cel cel, boolean rootOnly, Problems problems) {
    return compile(cel, false, rootOnly, problems);
  }

  /** Compiles a {@code when} condition, which must be a boolean expression. */
  static CelExpression condition(ExprConfig.Cel cel, Problems problems) {
    return compile(cel, true, false, problems);
  }

  private static CelExpression compile(ExprConfig.Cel cel, boolean condition, boolean rootOnly, Problems problems) {
    CelValidationResult result = COMPILER.compile(cel.source());
    if (result.hasError()) {
      for (CelIssue issue : result.getErrors()) {
        Position at = at(issue, cel);
        problems.add(at != null ? at : cel.position(), "invalid CEL expression"
            + (at != null ? "" : where(issue, cel.source())) + ": " + issue.getMessage());
      }
      return null;
    }
    try {
      CelAbstractSyntaxTree ast = result.getAst();
      // Checked here rather than with a second compiler fixed to bool, which would double the
      // start-up cost; dyn passes and is checked when evaluated.
      CelType type = ast.getResultType();
      if (condition && !type.equals(SimpleType.BOOL) && !type.equals(SimpleType.DYN)) {
        problems.add(cel.position(), "a CEL condition must be a boolean expression; this one is of type "
            + type.name());
        return null;
      }
      return new CelExpression(RUNTIME.createProgram(ast), rootOnly, cel.position());
    } catch (Exception e) {
      problems.add(cel.position(), "invalid CEL expression: " + e.getMessage());
      return null;
    }
  }

  /** Where in the file CEL found the issue, when the file holds the expression as it is. */
  private static Position at(CelIssue issue, ExprConfig.Cel cel) {
    CelSourceLocation at = issue.getSourceLocation();
    return at == null || at.getLine() < 1 || at.getColumn() < 0 ? null : cel.at(at.getLine(), at.getColumn());
  }

  /** CEL counts columns from 0; messages count from 1, as path errors do. */
  private static String where(CelIssue issue, String source) {
    CelSourceLocation at = issue.getSourceLocation();
    if (at == null || at.getLine() < 1 || at.getColumn() < 0) {
      return "";
    }
    return source.stripTrailing().indexOf('\n') < 0
        ? " at character " + (at.getColumn() + 1)
        : " at line " + at.getLine() + ", character " + (at.getColumn() + 1);
  }

  @Override
  public Object evaluate(Scope scope) {
    return toPlain(run(scope));
  }

  /** The value of a condition; anything but true or false is an error for the sample. */
  boolean test(Scope scope) {
    Object v = run(scope);
    if (v instanceof Boolean b) {
      return b;
    }
    throw new EvaluationException("cel_error", "CEL condition at " + position + " gave " + describe(v)
        + ", not a boolean");
  }

  private Object run(Scope scope) {
    try {
      return program.eval(scope.celVariables().resolver(rootOnly));
    } catch (CelEvaluationException e) {
      String reason = e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED ? "cel_limit" : "cel_error";
      throw new EvaluationException(reason, "CEL expression at " + position + ": " + e.getMessage());
    } catch (RuntimeException e) {
      throw new EvaluationException("cel_error", "CEL expression at " + position + ": " + e);
    }
  }

  /**
   * CEL's result as the engine's values: timestamps as epoch seconds and durations as seconds
   * (both keeping the fraction), CEL null and an empty optional as absent.
   */
  private Object toPlain(Object v) {
    if (v == null || v instanceof NullValue || v instanceof com.google.protobuf.NullValue) {
      return null;
    }
    if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Instant i) {
      return Timestamps.epochSeconds(i);
    }
    if (v instanceof Duration d) {
      return d.getSeconds() + d.getNano() / 1e9;
    }
    if (v instanceof Optional<?> o) {
      return o.isPresent() ? toPlain(o.get()) : null;
    }
    if (v instanceof UnsignedLong u) {
      return u.compareTo(UnsignedLong.valueOf(Long.MAX_VALUE)) <= 0 ? (Object) u.longValue() : (Object) u.doubleValue();
    }
    Object raw = CelVariables.unwrap(v);
    if (raw != v) {
      return raw;
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      for (Object item : list) {
        out.add(toPlain(item));
      }
      return out;
    }
    if (v instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, item) -> out.put(toPlain(k), toPlain(item)));
      return out;
    }
    throw new EvaluationException("cel_error", "CEL expression at " + position + " gave " + describe(v)
        + ", which has no metric value");
  }

  private static String describe(Object v) {
    if (v == null || v instanceof NullValue) {
      return "null";
    }
    return "a value of type " + v.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    return "cel at " + position;
  }
}
