package io.kubestate.config;

import java.util.Comparator;

/** Where something was written: a file (or preset) name, a 1-based line and a 1-based column. */
public record Position(String source, int line, int column) implements Comparable<Position> {
  /**
   * Sources in natural order, so that the paths of a resource's spec, which have no lines, sort as
   * written: {@code families[2]} before {@code families[10]}, a map before its keys.
   */
  private static final Comparator<Position> ORDER = Comparator.comparing(Position::source, Position::compareSources)
      .thenComparingInt(Position::line).thenComparingInt(Position::column);

  public static Position of(String source) {
    return new Position(source, 0, 0);
  }

  /** The place {@code lines} lines and {@code columns} columns further on. */
  public Position plus(int lines, int columns) {
    return new Position(source, line + lines, column + columns);
  }

  @Override
  public int compareTo(Position other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return line > 0 ? source + ":" + line + ":" + column : source;
  }

  /** Character by character, except that runs of digits compare as numbers. */
  private static int compareSources(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int endA = digitsEnd(a, i);
        int endB = digitsEnd(b, j);
        int byNumber = new java.math.BigInteger(a.substring(i, endA)).compareTo(new java.math.BigInteger(b.substring(j, endB)));
        if (byNumber != 0) {
          return byNumber;
        }
        i = endA;
        j = endB;
      } else if (x != y) {
        return Character.compare(x, y);
      } else {
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static int digitsEnd(String s, int from) {
    int end = from;
    while (end < s.length() && Character.isDigit(s.charAt(end))) {
      end++;
    }
    return end;
  }
}
