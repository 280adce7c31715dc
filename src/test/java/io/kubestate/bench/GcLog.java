package io.kubestate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collections of a unified GC log written with the {@code timemillis} decorator: when each
 * pause ended, and the heap used before and after it.
 */
final class GcLog {
  /** One pause; {@code full} for a collection of the whole heap. */
  record Pause(long atMillis, boolean full, long beforeBytes, long afterBytes, long capacityBytes, double millis) {}

  private static final Pattern TIME = Pattern.compile("\\[(\\d+)ms\\]");
  private static final Pattern SIZES = Pattern.compile(
      " (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([\\d.]+)ms$");

  private GcLog() {}

  /** The pauses in the log; none when it is missing (the process never started). */
  static List<Pause> read(Path file) throws IOException {
    List<Pause> pauses = new ArrayList<>();
    if (!Files.exists(file)) {
      return pauses;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      // Only the summary line of a pause has both the gc tag alone and the sizes.
      if (!line.contains("[gc ") && !line.contains("[gc]") || !line.contains(" Pause ")) {
        continue;
      }
      Matcher t = TIME.matcher(line);
      Matcher s = SIZES.matcher(line);
      if (t.find() && s.find()) {
        pauses.add(new Pause(Long.parseLong(t.group(1)), line.contains("Pause Full"), bytes(s.group(1), s.group(2)),
            bytes(s.group(3), s.group(4)), bytes(s.group(5), s.group(6)), Double.parseDouble(s.group(7))));
      }
    }
    return pauses;
  }

  private static long bytes(String n, String unit) {
    long v = Long.parseLong(n);
    return switch (unit) {
      case "K" -> v << 10;
      case "M" -> v << 20;
      default -> v << 30;
    };
  }
}
