package io.kubestate.config;

import java.util.List;
import java.util.Map;

/** An expression as written in a config, before it is compiled. */
public sealed interface ExprConfig {

  Position position();

  /** A field path such as {@code status.conditions[type=Ready].status}. */
  record Path(String path, Position position) implements ExprConfig {}

  /** A constant. */
  record Literal(Object value, Position position) implements ExprConfig {}

  /** The first option that yields a value. */
  record FirstOf(List<ExprConfig> options, Position position) implements ExprConfig {
    public FirstOf {
      options = List.copyOf(options);
    }
  }

  /** Seconds from {@code from} to {@code to}; a missing {@code to} means now. */
  record Elapsed(ExprConfig from, ExprConfig to, Position position) implements ExprConfig {}

  /**
   * A CEL expression.
   *
   * @param position where its value is written
   * @param text where its characters are written as they are, or null (see {@link Node.Scalar#text()})
   */
  record Cel(String source, Position position, Position text) implements ExprConfig {
    public Cel(String source, Position position) {
      this(source, position, null);
    }

    /**
     * The place in the file of a place in the expression, as CEL gives it (line from 1, column from
     * 0); null when the expression is not written as it is.
     */
    public Position at(int line, int column) {
      return text == null ? null : text.plus(line - 1, column);
    }
  }

  /**
   * A base expression followed by a mapping table, a default for a missing value, and a conversion.
   *
   * @param mapping string to value table, or null
   * @param fallback the default, or null when none was given
   * @param unmapped the result for a value missing from the mapping table, which is also counted as
   *     an unexpected value; or null
   * @param required whether a sample needs this attribute as a string, rather than leaving it off
   */
  record Modified(
      ExprConfig base,
      Map<String, Object> mapping,
      Literal fallback,
      Literal unmapped,
      Conversion conversion,
      boolean required,
      Position position)
      implements ExprConfig {}
}
