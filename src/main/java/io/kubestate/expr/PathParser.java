package io.kubestate.expr;

import java.util.ArrayList;
import java.util.List;

/** Parses the path syntax described on {@link Path}; errors name the character offset. */
final class PathParser {
  private final String text;
  private int pos;

  private PathParser(String text) {
    this.text = text;
  }

  static Path parse(String text) {
    return new PathParser(text).parse();
  }

  private Path parse() {
    String t = text.strip();
    if (t.isEmpty()) {
      throw error("empty path");
    }
    if (t.equals("@") || t.equals(".")) {
      return new Path(text, Path.Anchor.CURRENT, 0, List.of());
    }
    Path.Anchor anchor = Path.Anchor.CURRENT;
    int up = 0;
    if (text.startsWith("$")) {
      anchor = Path.Anchor.ROOT;
      pos = 1;
    } else {
      while (pos < text.length() && text.charAt(pos) == '^') {
        up++;
        pos++;
      }
    }
    if (text.startsWith("@key", pos)) {
      pos += 4;
      if (pos != text.length()) {
        throw error("nothing may follow @key");
      }
      return new Path(text, Path.Anchor.KEY, up, List.of());
    }
    List<Path.Step> steps = new ArrayList<>();
    boolean first = true;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '[') {
        steps.add(bracket());
      } else if (c == '.') {
        pos++;
        steps.add(new Path.Key(identifier()));
      } else if (first && anchor == Path.Anchor.CURRENT && up == 0) {
        steps.add(new Path.Key(identifier()));
      } else {
        throw error("expected '.' or '['");
      }
      first = false;
    }
    if (steps.isEmpty() && anchor == Path.Anchor.CURRENT && up == 0) {
      throw error("empty path");
    }
    return new Path(text, anchor, up, steps);
  }

  private String identifier() {
    int start = pos;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '-') {
        pos++;
      } else {
        break;
      }
    }
    if (start == pos) {
      throw error("expected a key name (use [\"...\"] for keys with other characters)");
    }
    return text.substring(start, pos);
  }

  private Path.Step bracket() {
    pos++;
    Path.Step step;
    char c = peek();
    if (c == '"' || c == '\'') {
      step = new Path.Key(quoted());
    } else if (c == '-' || Character.isDigit(c)) {
      int start = pos;
      pos++;
      while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
        pos++;
      }
      try {
        step = new Path.Index(Integer.parseInt(text.substring(start, pos)));
      } catch (NumberFormatException e) {
        throw error("invalid list index");
      }
    } else {
      int start = pos;
      while (pos < text.length() && text.charAt(pos) != '=' && text.charAt(pos) != ']') {
        pos++;
      }
      String field = text.substring(start, pos).strip();
      if (peek() != '=' || field.isEmpty()) {
        throw error("expected an index, a quoted key or field=value inside [...]");
      }
      pos++;
      String value;
      if (peek() == '"' || peek() == '\'') {
        value = quoted();
      } else {
        int vs = pos;
        while (pos < text.length() && text.charAt(pos) != ']') {
          pos++;
        }
        value = text.substring(vs, pos).strip();
      }
      step = new Path.Select(field, value);
    }
    if (peek() != ']') {
      throw error("expected ']'");
    }
    pos++;
    return step;
  }

  private String quoted() {
    char q = text.charAt(pos++);
    StringBuilder sb = new StringBuilder();
    while (pos < text.length() && text.charAt(pos) != q) {
      char c = text.charAt(pos++);
      if (c == '\\' && pos < text.length()) {
        c = text.charAt(pos++);
      }
      sb.append(c);
    }
    if (pos >= text.length()) {
      throw error("unterminated quote");
    }
    pos++;
    return sb.toString();
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private IllegalArgumentException error(String message) {
    return new IllegalArgumentException("invalid path \"" + text + "\" at character " + (pos + 1) + ": " + message);
  }
}
