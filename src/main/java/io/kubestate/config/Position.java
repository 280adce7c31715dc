package io.kubestate.config;

/** Where something was written: a file (or preset) name, a 1-based line and a 1-based column. */
public record Position(String source, int line, int column) {

  public static Position of(String source) {
    return new Position(source, 0, 0);
  }

  @Override
  public String toString() {
    return line > 0 ? source + ":" + line + ":" + column : source;
  }
}
