package io.kubestate.telemetry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenTelemetry names to Prometheus names, after the OpenTelemetry compatibility specification:
 * invalid characters become '_', the unit becomes a word suffix ({@code s} to {@code _seconds},
 * annotations such as {@code {pod}} are dropped). Unlike client_java's sanitizer, reserved suffixes
 * such as {@code _info} are kept, because compatibility families ({@code kueue_workload_info},
 * {@code gatewayapi_gateway_info}) must keep the names dashboards use.
 */
final class PrometheusNames {
  private static final Map<String, String> UNITS = Map.ofEntries(
      Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"), Map.entry("s", "seconds"),
      Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"), Map.entry("ns", "nanoseconds"),
      Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"), Map.entry("MiBy", "mebibytes"),
      Map.entry("GiBy", "gibibytes"), Map.entry("TiBy", "tibibytes"), Map.entry("KBy", "kilobytes"),
      Map.entry("MBy", "megabytes"), Map.entry("GBy", "gigabytes"), Map.entry("TBy", "terabytes"),
      Map.entry("m", "meters"), Map.entry("V", "volts"), Map.entry("A", "amperes"), Map.entry("J", "joules"),
      Map.entry("W", "watts"), Map.entry("g", "grams"), Map.entry("Cel", "celsius"), Map.entry("Hz", "hertz"),
      Map.entry("%", "percent"));
  private static final Map<String, String> PER = Map.of(
      "s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

  private final Map<String, String> metricNames = new ConcurrentHashMap<>();
  private final Map<String, String> labelNames = new ConcurrentHashMap<>();

  /** The Prometheus name of a metric, without the {@code _total} of counters. */
  String metric(String name, String unit) {
    return metricNames.computeIfAbsent(name + "\u0000" + unit, k -> {
      String base = sanitize(name, true, true);
      String suffix = unitSuffix(unit);
      if (!suffix.isEmpty() && !base.endsWith("_" + suffix)) {
        base = base + "_" + suffix;
      }
      return base;
    });
  }

  /**
   * The name a family is served under: a counter's ends in one {@code _total}, even when its
   * OpenTelemetry name already ends in total.
   */
  String family(String name, String unit, boolean counter) {
    String base = metric(name, unit);
    return counter ? withoutTotal(base) + "_total" : base;
  }

  /** A counter's name without its {@code _total}, which the writer adds back to its samples. */
  static String withoutTotal(String name) {
    return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
  }

  String label(String key) {
    return labelNames.computeIfAbsent(key, k -> {
      // Underscores already in a key are kept (a_b__c stays): kube-state-metrics keeps them too.
      String s = sanitize(k, false, false);
      return s.startsWith("__") ? "_" + s.replaceFirst("^_+", "") : s;
    });
  }

  static String unitSuffix(String unit) {
    if (unit == null || unit.isEmpty()) {
      return "";
    }
    String u = unit.replaceAll("\\{[^}]*}", "").strip();
    if (u.isEmpty() || u.equals("1")) {
      return "";
    }
    int slash = u.indexOf('/');
    if (slash > 0) {
      String num = UNITS.getOrDefault(u.substring(0, slash), u.substring(0, slash));
      String den = PER.getOrDefault(u.substring(slash + 1), UNITS.getOrDefault(u.substring(slash + 1), u.substring(slash + 1)));
      return sanitize(num + "_per_" + den, false, true);
    }
    return sanitize(UNITS.getOrDefault(u, u), false, true);
  }

  /**
   * Replaces characters Prometheus does not allow with '_'.
   *
   * @param collapse whether a run of underscores that holds a replaced character shrinks to one
   *     ("a._b" to "a_b"); underscores that were all written stay as written ("acme__uptime"), as
   *     kube-state-metrics names keep them
   */
  private static String sanitize(String name, boolean allowColon, boolean collapse) {
    StringBuilder sb = new StringBuilder(name.length());
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (valid(c, allowColon) && c != '_') {
        sb.append(c);
        i++;
        continue;
      }
      int end = i;
      boolean replaced = false;
      while (end < name.length() && (name.charAt(end) == '_' || !valid(name.charAt(end), allowColon))) {
        replaced |= name.charAt(end) != '_';
        end++;
      }
      sb.append(collapse && replaced ? "_" : "_".repeat(end - i));
      i = end;
    }
    if (sb.length() == 0 || Character.isDigit(sb.charAt(0))) {
      sb.insert(0, '_');
    }
    return sb.toString();
  }

  private static boolean valid(char c, boolean allowColon) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || (allowColon && c == ':');
  }
}
