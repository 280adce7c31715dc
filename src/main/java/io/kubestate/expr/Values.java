package io.kubestate.expr;

import io.kubestate.config.Conversion;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Conversions of values read from objects: to numbers, to attribute strings, to instants. */
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
      case TIMESTAMP -> epochSeconds(instant(value));
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
      Instant i = parseInstant(t);
      if (i != null) {
        return epochSeconds(i);
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
    Instant i = parseInstant(s);
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

  public static Instant instant(Object value) {
    if (value instanceof String s) {
      Instant i = parseInstant(s.strip());
      if (i != null) {
        return i;
      }
      throw new EvaluationException("not_a_timestamp", "cannot read \"" + abbreviate(s) + "\" as an RFC3339 timestamp");
    }
    if (value instanceof Number n) {
      return Instant.ofEpochMilli(Math.round(n.doubleValue() * 1000));
    }
    throw new EvaluationException("not_a_timestamp", "expected an RFC3339 timestamp, found " + kind(value));
  }

  public static double epochSeconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
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

  private static Instant parseInstant(String s) {
    if (s.length() < 20 || !Character.isDigit(s.charAt(0)) || s.charAt(4) != '-') {
      return null;
    }
    Instant utc = parseUtc(s);
    if (utc != null) {
      return utc;
    }
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The form the API server writes ({@code 2026-08-24T09:20:11Z}, optionally with a fraction), read
   * without the general parser, which costs more than the rest of a collection's work on a
   * timestamp; null for anything else, which the general parser then decides.
   */
  static Instant parseUtc(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
        || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    int nanos = 0;
    if (n > 20) {
      int fraction = n - 21;
      if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
        return null;
      }
      nanos = digits(s, 20, n - 1);
      for (int i = fraction; i < 9; i++) {
        nanos *= 10;
      }
    }
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
        || second < 0 || second > 59 || nanos < 0
        || day > 28 && day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    return java.time.LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(java.time.ZoneOffset.UTC);
  }

  /** The decimal number in {@code s[from, to)}, or -1 unless it is all ASCII digits. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
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

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
