package io.kubestate.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one run, in the order they were taken, and the targets they are held to; printed
 * together at the end so that the last lines are {@code key=value} pairs to compare across versions.
 */
final class Report {
  private final Map<String, String> figures = new LinkedHashMap<>();
  private final List<String> targets = new ArrayList<>();

  void figure(String key, Object value) {
    figures.put(key, String.valueOf(value));
  }

  enum Bound {
    AT_MOST("<="),
    BELOW("<"),
    AT_LEAST(">=");

    final String sign;

    Bound(String sign) {
      this.sign = sign;
    }

    boolean met(double value, double limit) {
      return switch (this) {
        case AT_MOST -> value <= limit;
        case BELOW -> value < limit;
        case AT_LEAST -> value >= limit;
      };
    }
  }

  /** A ratio with the bound it is held to, printed as a figure and in the list of targets. */
  void target(String key, double value, Bound bound, double limit) {
    String v = String.format(Locale.ROOT, "%.2f", value);
    figure(key, v);
    targets.add(String.format(Locale.ROOT, "%-70s %6s %s %-4s %s", key, v, bound.sign, limit,
        bound.met(value, limit) ? "met" : "NOT met"));
  }

  /** One measured run, printed as it is taken. */
  static void progress(String what, int i, long nanos, long bytes) {
    System.out.printf(Locale.ROOT, "  %-26s #%d %9.1f ms%s%n", what, i + 1, nanos / 1e6,
        bytes > 0 ? String.format(Locale.ROOT, " %,d bytes", bytes) : "");
  }

  void print() {
    System.out.println();
    figures.forEach((k, v) -> System.out.println(k + "=" + v));
    System.out.println();
    System.out.println("# targets");
    targets.forEach(t -> System.out.println("# " + t));
  }
}
