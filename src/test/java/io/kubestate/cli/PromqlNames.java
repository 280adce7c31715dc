package io.kubestate.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The metric and label names a PromQL expression uses, read from its tokens. It does not build
 * the expression's tree (promtool checks the syntax); it only tells names from everything else:
 * strings, numbers, durations, range and subquery brackets, keywords, function calls.
 *
 * @param selectors the vector selectors, each with the labels its matchers name
 * @param grouping the labels of {@code by}, {@code without}, {@code on}, {@code ignoring} and
 *     {@code group_left}/{@code group_right} lists
 * @param created the labels label_replace, label_join and count_values add
 * @param read the labels label_replace and label_join copy from
 */
record PromqlNames(List<Selector> selectors, Set<String> grouping, Set<String> created, Set<String> read) {

  /**
   * A vector selector: its metric name, or the matcher on {@code __name__} that stands for it
   * ({@code nameOp} {@code =}, {@code =~}, ...), and the other labels its matchers name.
   */
  record Selector(String name, String nameOp, Set<String> labels) {}

  private enum Kind { IDENT, STRING, NUMBER, PUNCT }

  private record Token(Kind kind, String text) {}

  private static final Set<String> GROUPING = Set.of("by", "without", "on", "ignoring", "group_left", "group_right");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

  static PromqlNames of(String expr) {
    List<Token> tokens = tokens(expr);
    List<Selector> selectors = new ArrayList<>();
    Set<String> grouping = new LinkedHashSet<>();
    Set<String> created = new LinkedHashSet<>();
    Set<String> read = new LinkedHashSet<>();
    // The strings of label_replace and friends are label names only as arguments of that call, not
    // of a call nested in it, hence a stack of the open parentheses.
    Deque<Call> calls = new ArrayDeque<>();
    // An aggregation written "sum by (...) (...)": its own parenthesis comes after the label list.
    String aggregation = "";
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
      boolean call = next != null && next.text().equals("(");
      if (t.kind() == Kind.IDENT && GROUPING.contains(t.text())) {
        if (call) {
          i = labelList(tokens, i + 2, grouping);
        }
      } else if (t.kind() == Kind.IDENT && KEYWORDS.contains(t.text())) {
        continue;
      } else if (t.kind() == Kind.IDENT && next != null && Set.of("by", "without").contains(next.text())) {
        aggregation = t.text();
      } else if (t.kind() == Kind.IDENT && call) {
        calls.push(new Call(t.text(), new ArrayList<>()));
        i++;
      } else if (t.kind() == Kind.IDENT && next != null && next.text().equals("{")) {
        i = selector(tokens, i + 2, t.text(), selectors);
      } else if (t.kind() == Kind.IDENT) {
        selectors.add(new Selector(t.text(), "=", Set.of()));
      } else if (t.text().equals("{")) {
        i = selector(tokens, i + 1, null, selectors);
      } else if (t.text().equals("(")) {
        calls.push(new Call(aggregation, new ArrayList<>()));
        aggregation = "";
      } else if (t.text().equals(")")) {
        if (calls.isEmpty()) {
          throw new IllegalArgumentException("unbalanced ) in " + expr);
        }
        labelFunction(calls.pop(), created, read);
      } else if (t.kind() == Kind.STRING && !calls.isEmpty()) {
        calls.peek().strings().add(t.text());
      }
    }
    if (!calls.isEmpty()) {
      throw new IllegalArgumentException("unbalanced ( in " + expr);
    }
    return new PromqlNames(selectors, grouping, created, read);
  }

  private record Call(String function, List<String> strings) {}

  private static void labelFunction(Call call, Set<String> created, Set<String> read) {
    List<String> s = call.strings();
    switch (call.function()) {
      // label_replace(v, dst, replacement, src, regex)
      case "label_replace" -> {
        if (s.size() == 4) {
          created.add(s.get(0));
          read.add(s.get(2));
        }
      }
      // label_join(v, dst, separator, src...)
      case "label_join" -> {
        if (s.size() >= 2) {
          created.add(s.get(0));
          read.addAll(s.subList(2, s.size()));
        }
      }
      case "count_values" -> {
        if (!s.isEmpty()) {
          created.add(s.get(0));
        }
      }
      default -> { }
    }
  }

  /** Reads {@code name, name, ...)} from {@code from}; returns the index of the closing parenthesis. */
  private static int labelList(List<Token> tokens, int from, Set<String> into) {
    int i = from;
    for (; i < tokens.size() && !tokens.get(i).text().equals(")"); i++) {
      Token t = tokens.get(i);
      if (t.kind() == Kind.IDENT) {
        into.add(t.text());
      } else if (!t.text().equals(",")) {
        throw new IllegalArgumentException("not a label list: " + t.text());
      }
    }
    return i;
  }

  /** Reads the matchers {@code label op "value", ...}} from {@code from}; returns the index of the closing brace. */
  private static int selector(List<Token> tokens, int from, String name, List<Selector> into) {
    Set<String> labels = new LinkedHashSet<>();
    String metric = name;
    String op = "=";
    int i = from;
    while (i < tokens.size() && !tokens.get(i).text().equals("}")) {
      if (tokens.get(i).text().equals(",")) {
        i++;
        continue;
      }
      if (i + 2 >= tokens.size() || tokens.get(i).kind() != Kind.IDENT || tokens.get(i + 2).kind() != Kind.STRING) {
        throw new IllegalArgumentException("not a matcher at " + tokens.get(i).text());
      }
      String label = tokens.get(i).text();
      if (label.equals("__name__") && name == null) {
        metric = tokens.get(i + 2).text();
        op = tokens.get(i + 1).text();
      } else {
        labels.add(label);
      }
      i += 3;
    }
    into.add(new Selector(metric, op, labels));
    return i;
  }

  // ---- tokens

  private static List<Token> tokens(String expr) {
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '#') {
        while (i < expr.length() && expr.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '"' || c == '\'' || c == '`') {
        StringBuilder value = new StringBuilder();
        int j = i + 1;
        while (j < expr.length() && expr.charAt(j) != c) {
          if (expr.charAt(j) == '\\' && c != '`' && j + 1 < expr.length()) {
            j++;
          }
          value.append(expr.charAt(j++));
        }
        if (j >= expr.length()) {
          throw new IllegalArgumentException("unterminated string in " + expr);
        }
        out.add(new Token(Kind.STRING, value.toString()));
        i = j + 1;
      } else if (c == '[') {
        // A range or subquery: durations only, which are not names.
        int j = expr.indexOf(']', i);
        if (j < 0) {
          throw new IllegalArgumentException("unterminated [ in " + expr);
        }
        i = j + 1;
      } else if (Character.isLetter(c) || c == '_' || c == ':') {
        int j = i;
        while (j < expr.length() && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '_'
            || expr.charAt(j) == ':')) {
          j++;
        }
        out.add(new Token(Kind.IDENT, expr.substring(i, j)));
        i = j;
      } else if (Character.isDigit(c) || c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1))) {
        // Numbers, hex, exponents and durations (5m, 1h30m) alike: a digit and what sticks to it.
        int j = i;
        while (j < expr.length() && (Character.isLetterOrDigit(expr.charAt(j)) || expr.charAt(j) == '.'
            || (expr.charAt(j) == '+' || expr.charAt(j) == '-') && (expr.charAt(j - 1) == 'e'
                || expr.charAt(j - 1) == 'E') && !expr.substring(i, j).startsWith("0x"))) {
          j++;
        }
        out.add(new Token(Kind.NUMBER, expr.substring(i, j)));
        i = j;
      } else {
        String two = i + 1 < expr.length() ? expr.substring(i, i + 2) : "";
        String op = Set.of("==", "!=", "=~", "!~", "<=", ">=").contains(two) ? two : String.valueOf(c);
        out.add(new Token(Kind.PUNCT, op));
        i += op.length();
      }
    }
    return out;
  }
}
