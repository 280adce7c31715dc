package io.kubestate.expr;

import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Kubernetes resource quantities ({@code 250m}, {@code 512Mi}, {@code 1.5G}, {@code 2e3}) as numbers. */
final class Quantities {
  private static final Pattern QUANTITY = Pattern.compile("([+-]?(?:\\d+\\.?\\d*|\\.\\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d+)?");
  private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
      Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
      Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
      Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
      Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
      Map.entry("E", new BigDecimal("1e18")), Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
      Map.entry("Mi", BigDecimal.valueOf(1L << 20)), Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
      Map.entry("Ti", BigDecimal.valueOf(1L << 40)), Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
      Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

  private Quantities() {}

  /** The value, or null when the text is not a quantity. */
  static Double parse(String text) {
    Matcher m = QUANTITY.matcher(text);
    if (!m.matches()) {
      return null;
    }
    BigDecimal number = new BigDecimal(m.group(1));
    String suffix = m.group(2);
    if (suffix == null) {
      return number.doubleValue();
    }
    if (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E') {
      return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))).doubleValue();
    }
    return number.multiply(SUFFIXES.get(suffix)).doubleValue();
  }

  /** Whether the suffix reads as well as a duration unit (m, u, n), so that only an explicit conversion may decide. */
  static boolean ambiguous(String text) {
    Matcher m = QUANTITY.matcher(text);
    return m.matches() && m.group(2) != null && (m.group(2).equals("m") || m.group(2).equals("u")
        || m.group(2).equals("n"));
  }
}
