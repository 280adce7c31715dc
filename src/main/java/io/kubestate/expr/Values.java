package io.kubestate.expr;

import io.kubestate.config.Conversion;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Conversions of values read from objects: to numbers and to attribute strings. */
public final class Values {
  private static final Pattern DURATION_PART =
      Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h|d)");

  private Values() {}

  public static double toDouble(Object value, Conversion conversion) {
    if (value == null) {
      throw new EvaluationException("missing", "no value");
    }
    return switch (conversion) {
      case AUTO -> auto(value);
      case NUMBER -> number(value);
      case BOOLEAN -> bool(value);
      case TIMESTAMP -> Timestamps.epochSeconds(Timestamps.instant(value));
      case DURATION -> seconds(value);
      case QUANTITY -> quantity(value);
      case KUBE_STATE_METRICS -> kubeStateMetrics(value);
    };
  }

  private static double auto(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (value instanceof String s) {
      String t = s.strip();
      switch (t.toLowerCase(Locale.ROOT)) {
        case "true", "yes" -> {
          return 1;
        }
        case "false", "no", "unknown" -> {
          return 0;
        }
        default -> {
          // fall through to the number and timestamp forms
        }
      }
      Double d = parseNumber(t);
      if (d != null) {
        return d;
      }
      Instant i = Timestamps.parse(t);
      if (i != null) {
        return Timestamps.epochSeconds(i);
      }
      if (Quantities.ambiguous(t)) {
        throw new EvaluationException("ambiguous_value", "\"" + abbreviate(t)
            + "\" reads as a quantity (m = thousandths) or a duration (m = minutes); say which with as: quantity or"
            + " as: duration");
      }
      Double q = Quantities.parse(t);
      if (q != null) {
        return q;
      }
      Double p = percent(t);
      if (p != null) {
        return p;
      }
      if (DURATION_PART.matcher(t).lookingAt()) {
        return seconds(t);
      }
      throw new EvaluationException("not_a_number", "cannot read \"" + abbreviate(t) + "\" as a number");
    }
    throw notScalar(value);
  }

  private static double quantity(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      Double q = Quantities.parse(s.strip());
      if (q != null) {
        return q;
      }
      throw new EvaluationException("not_a_quantity", "cannot read \"" + abbreviate(s) + "\" as a quantity");
    }
    throw notScalar(value);
  }

  /**
   * What kube-state-metrics' custom resource metrics do ({@code toFloat64} in
   * pkg/customresourcestate/registry_factory.go): true/yes 1, false/no/unknown 0, RFC3339 to whole
   * epoch seconds (the fraction dropped), then a quantity (so "5m" is 0.005), then "NN%" as NN/100,
   * then a plain number.
   */
  private static double kubeStateMetrics(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (!(value instanceof String s)) {
      throw notScalar(value);
    }
    switch (s.toLowerCase(Locale.ROOT)) {
      case "true", "yes" -> {
        return 1;
      }
      case "false", "no", "unknown" -> {
        return 0;
      }
      default -> {
        // the other forms below, in kube-state-metrics' order
      }
    }
    Instant i = Timestamps.parse(s);
    if (i != null) {
      return i.getEpochSecond();
    }
    Double q = Quantities.parse(s);
    if (q != null) {
      return q;
    }
    Double p = percent(s);
    if (p != null) {
      return p;
    }
    Double d = parseNumber(s);
    if (d != null) {
      return d;
    }
    throw new EvaluationException("not_a_number", "cannot read \"" + abbreviate(s) + "\" as a number");
  }

  private static Double percent(String s) {
    if (s.length() < 2 || !s.endsWith("%")) {
      return null;
    }
    Double d = parseNumber(s.substring(0, s.length() - 1));
    return d == null ? null : d / 100;
  }

  private static double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      Double d = parseNumber(s.strip());
      if (d != null) {
        return d;
      }
      throw new EvaluationException("not_a_number", "cannot read \"" + abbreviate(s) + "\" as a number");
    }
    if (value instanceof Boolean) {
      throw new EvaluationException("not_a_number", "expected a number, found a boolean");
    }
    throw notScalar(value);
  }

  private static double bool(Object value) {
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if (value instanceof String s) {
      switch (s.strip().toLowerCase(Locale.ROOT)) {
        case "true", "yes" -> {
          return 1;
        }
        case "false", "no", "unknown" -> {
          return 0;
        }
        default -> throw new EvaluationException("not_a_boolean", "cannot read \"" + abbreviate(s) + "\" as a boolean");
      }
    }
    throw new EvaluationException("not_a_boolean", "expected a boolean, found " + kind(value));
  }

  /** Seconds of a duration: a number of seconds, or Go/Kubernetes syntax such as {@code 1h30m}. */
  public static double seconds(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (!(value instanceof String s)) {
      throw notScalar(value);
    }
    String t = s.strip();
    if (t.startsWith("P") || t.startsWith("-P")) {
      try {
        return Duration.parse(t).toNanos() / 1e9;
      } catch (DateTimeParseException e) {
        throw new EvaluationException("not_a_duration", "cannot read \"" + abbreviate(t) + "\" as a duration");
      }
    }
    boolean negative = t.startsWith("-");
    String body = negative ? t.substring(1) : t;
    Matcher m = DURATION_PART.matcher(body);
    int end = 0;
    BigDecimal total = BigDecimal.ZERO;
    while (m.find() && m.start() == end) {
      BigDecimal amount = new BigDecimal(m.group(1));
      total = total.add(amount.multiply(unitSeconds(m.group(2))));
      end = m.end();
    }
    if (end == 0 || end != body.length()) {
      Double plain = parseNumber(t);
      if (plain != null) {
        return plain;
      }
      throw new EvaluationException("not_a_duration", "cannot read \"" + abbreviate(t) + "\" as a duration");
    }
    return negative ? -total.doubleValue() : total.doubleValue();
  }

  private static BigDecimal unitSeconds(String unit) {
    return switch (unit) {
      case "ns" -> new BigDecimal("1e-9");
      case "us", "µs" -> new BigDecimal("1e-6");
      case "ms" -> new BigDecimal("1e-3");
      case "s" -> BigDecimal.ONE;
      case "m" -> BigDecimal.valueOf(60);
      case "h" -> BigDecimal.valueOf(3600);
      default -> BigDecimal.valueOf(86400);
    };
  }

  /** The attribute form of a scalar; maps and lists are refused rather than printed as noise. */
  public static String toAttribute(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof Boolean b) {
      return b.toString();
    }
    if (value instanceof Number n) {
      return formatNumber(n);
    }
    throw notScalar(value);
  }

  static String formatNumber(Number n) {
    if (n instanceof Double || n instanceof Float) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
      return Double.toString(d);
    }
    return n.toString();
  }

  /** Whether a value read from an object equals a value written in a config (compared as text). */
  static boolean matches(Object actual, Object expected) {
    if (actual == null || expected == null) {
      return actual == expected;
    }
    if (actual instanceof Map || actual instanceof List) {
      return false;
    }
    String a = actual instanceof Number n ? formatNumber(n) : actual.toString();
    String e = expected instanceof Number n ? formatNumber(n) : expected.toString();
    return a.equals(e);
  }

  private static Double parseNumber(String s) {
    if (s.isEmpty()) {
      return null;
    }
    char c = s.charAt(0);
    if (!(Character.isDigit(c) || c == '-' || c == '+' || c == '.')) {
      return null;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static EvaluationException notScalar(Object value) {
    return new EvaluationException("not_a_scalar", "expected a single value, found " + kind(value));
  }

  static String kind(Object value) {
    if (value instanceof Map) {
      return "a map";
    }
    if (value instanceof List) {
      return "a list";
    }
    if (value instanceof String) {
      return "a string";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    return value == null ? "nothing" : "a number";
  }

  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
