package io.kubestate.config;

import java.util.List;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Finds where a string scalar's characters stand in the file, for messages that point inside the
 * value (the character a CEL expression fails at). Only a value whose every line is written as it
 * is, one under the other at one column, has such a place; escapes and folded lines have none.
 */
final class ScalarText {
  private final String source;
  private final List<String> lines;

  ScalarText(String source, String text) {
    this.source = source;
    this.lines = text.lines().toList();
  }

  /** Where the first character of the value is written, or null when the file does not hold it as it is. */
  Position start(ScalarNode node, String value) {
    int line = node.getStartMark().map(m -> m.getLine()).orElse(-1);
    int column = node.getStartMark().map(m -> m.getColumn()).orElse(-1);
    if (line < 0 || value.isEmpty()) {
      return null;
    }
    ScalarStyle style = node.getScalarStyle();
    if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED) {
      return block(line + 1, value);
    }
    if (value.indexOf('\n') >= 0) {
      return null;
    }
    int first = style == ScalarStyle.PLAIN ? column : column + 1;
    return writtenAt(line, first, value) ? new Position(source, line + 1, first + 1) : null;
  }

  /** A block's lines, from the one after its indicator, at the indentation of its first line. */
  private Position block(int firstLine, String value) {
    List<String> valueLines = value.lines().toList();
    int indent = -1;
    for (int k = 0; k < valueLines.size(); k++) {
      String v = valueLines.get(k);
      if (!v.isEmpty()) {
        String written = line(firstLine + k);
        indent = written == null ? -1 : written.length() - v.length();
        break;
      }
    }
    if (indent < 0) {
      return null;
    }
    for (int k = 0; k < valueLines.size(); k++) {
      String v = valueLines.get(k);
      String written = line(firstLine + k);
      boolean same = v.isEmpty() ? isBlank(written)
          : writtenAt(firstLine + k, indent, v) && written.substring(0, indent).isBlank();
      if (!same) {
        return null;
      }
    }
    return new Position(source, firstLine + 1, indent + 1);
  }

  private boolean writtenAt(int line, int column, String value) {
    String written = line(line);
    return written != null && written.startsWith(value, column);
  }

  private String line(int index) {
    return index < lines.size() ? lines.get(index) : null;
  }

  private static boolean isBlank(String s) {
    return s != null && s.isBlank();
  }
}
