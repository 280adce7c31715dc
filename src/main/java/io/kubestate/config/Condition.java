package io.kubestate.config;

import java.util.List;

/**
 * A filter on the object (or the current element of an iteration): the value at {@code path}
 * compared with the operands. A missing value equals nothing, so {@code notEquals} holds for it.
 * Or, when {@code cel} is not null, a CEL boolean expression, and path and operator are null.
 *
 * @param position where the path is written (the condition, for a CEL one)
 */
public record Condition(String path, Operator operator, List<Object> operands, ExprConfig.Cel cel,
    Position position) {

  public Condition {
    operands = List.copyOf(operands);
  }

  public Condition(String path, Operator operator, List<Object> operands, Position position) {
    this(path, operator, operands, null, position);
  }

  public static Condition ofCel(ExprConfig.Cel cel, Position position) {
    return new Condition(null, null, List.of(), cel, position);
  }

  public enum Operator {
    EQUALS("equals"),
    NOT_EQUALS("notEquals"),
    IN("in"),
    NOT_IN("notIn"),
    EXISTS("exists");

    private final String key;

    Operator(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }
  }
}
