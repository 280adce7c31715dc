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

  /** A CEL expression; {@code position} is where its text starts, for compile errors. */
  record Cel(String source, Position position) implements ExprConfig {}

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
