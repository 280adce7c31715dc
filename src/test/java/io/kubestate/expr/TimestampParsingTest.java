package io.kubestate.expr;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The quick reading of API server timestamps agrees with the general parser, or leaves the decision to it. */
class TimestampParsingTest {

  private static Instant general(String s) {
    try {
      return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static void agrees(String s) {
    Instant quick = Timestamps.parseUtc(s);
    if (quick != null) {
      assertThat(quick).as(s).isEqualTo(general(s));
    }
  }

  @Test
  void agreesWithTheGeneralParser() {
    for (String s : new String[] {"2026-08-24T09:20:11Z", "2026-08-24T09:20:11.5Z", "2026-08-24T09:20:11.123456789Z",
        "2026-08-24T09:20:11.1234567891Z", "2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-00T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T23:60:00Z", "2026-01-01T23:59:60Z", "2026-01-01t23:59:59Z", "2026-01-01T23:59:59z",
        "2026-01-01T23:59:59.Z", "2026-01-01T23:59:59+02:00", "2026-0a-01T23:59:59Z", "0000-01-01T00:00:00Z",
        "2026-01-01T23:59:5 Z", "2026-01-01T-1:59:59Z"}) {
      agrees(s);
    }
    assertThat(Timestamps.parseUtc("2026-08-24T09:20:11Z")).isEqualTo(Instant.parse("2026-08-24T09:20:11Z"));
    assertThat(Timestamps.parseUtc("2026-08-24T09:20:11.25Z")).isEqualTo(Instant.parse("2026-08-24T09:20:11.250Z"));
    Random random = new Random(7);
    String alphabet = "0123456789-T:.Z+";
    for (int i = 0; i < 200_000; i++) {
      char[] c = "2026-08-24T09:20:11.123Z".toCharArray();
      int length = 20 + random.nextInt(c.length - 19);
      for (int k = 0; k < 3; k++) {
        c[random.nextInt(length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      }
      String s = new String(c, 0, length - 1) + (random.nextInt(10) == 0 ? "z" : "Z");
      agrees(s);
    }
  }
}
