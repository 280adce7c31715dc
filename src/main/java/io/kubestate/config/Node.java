package io.kubestate.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value that remembers where it was written, so that every validation message can name
 * the file, line and column of the offending text.
 */
public sealed interface Node {

  Position position();

  /** A short word for messages: "a map", "a list", "a string", ... */
  String describe();

  /** Plain Java form (maps, lists, strings, numbers, booleans, null) without positions. */
  Object toPlain();

  /**
   * @param text where the value's characters are written unchanged, line under line at one column
   *     (a plain or quoted one-line value without escapes, a block without folding), so that a
   *     place inside the value is a place in the file; null when they are not
   */
  record Scalar(Object value, Position position, Position text) implements Node {
    public Scalar(Object value, Position position) {
      this(value, position, null);
    }

    @Override
    public String describe() {
      if (value == null) {
        return "null";
      }
      if (value instanceof String) {
        return "a string";
      }
      if (value instanceof Boolean) {
        return "a boolean";
      }
      return "a number";
    }

    @Override
    public Object toPlain() {
      return value;
    }
  }

  record Sequence(List<Node> items, Position position) implements Node {
    @Override
    public String describe() {
      return "a list";
    }

    @Override
    public Object toPlain() {
      return items.stream().map(Node::toPlain).toList();
    }
  }

  /** A mapping with string keys; each entry keeps the position of its key. */
  record Mapping(Map<String, Entry> entries, Position position) implements Node {
    public record Entry(Position keyPosition, Node value) {}

    @Override
    public String describe() {
      return "a map";
    }

    @Override
    public Object toPlain() {
      Map<String, Object> out = new LinkedHashMap<>();
      entries.forEach((k, e) -> out.put(k, e.value().toPlain()));
      return out;
    }
  }
}
