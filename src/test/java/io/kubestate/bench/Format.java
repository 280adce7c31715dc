package io.kubestate.bench;

import java.util.Arrays;
import java.util.Locale;

/** How figures are summarised and written: times in nanoseconds, sizes in bytes. */
final class Format {
  private Format() {}

  static long median(long[] xs) {
    long[] c = xs.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }

  static long max(long[] xs) {
    return Arrays.stream(xs).max().orElse(0);
  }

  static String ms(long nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }

  static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / (double) (1 << 20));
  }

  static String secs(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
  }

  static String ratio(long a, long b) {
    return String.format(Locale.ROOT, "%.2f", (double) a / b);
  }
}
