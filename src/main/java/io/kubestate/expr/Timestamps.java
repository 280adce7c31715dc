package io.kubestate.expr;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Timestamps read from objects: RFC 3339 text, or seconds since the epoch. */
public final class Timestamps {
  /**
   * The range RFC 3339's four-digit years can write from the epoch on. A number outside it is not a
   * time the object could mean: 1e308 would otherwise clamp to the largest instant a long holds and
   * give start times in the year 292 million and durations of -1.8e16 seconds.
   */
  static final long LATEST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  private Timestamps() {}

  /** An RFC 3339 string, or a number of seconds from 1970-01-01 up to the end of 9999. */
  public static Instant instant(Object value) {
    if (value instanceof String s) {
      Instant i = parse(s.strip());
      if (i != null) {
        return i;
      }
      throw new EvaluationException("not_a_timestamp",
          "cannot read \"" + Values.abbreviate(s) + "\" as an RFC3339 timestamp");
    }
    if (value instanceof Number n) {
      double seconds = n.doubleValue();
      if (!(seconds >= 0 && seconds <= LATEST_SECOND)) {
        throw new EvaluationException("not_a_timestamp", "the number " + Values.formatNumber(n)
            + " is not a timestamp: seconds since the epoch must lie between 1970-01-01 and 9999-12-31");
      }
      return Instant.ofEpochMilli(Math.round(seconds * 1000));
    }
    throw new EvaluationException("not_a_timestamp", "expected an RFC3339 timestamp, found " + Values.kind(value));
  }

  public static double epochSeconds(Instant instant) {
    return instant.getEpochSecond() + instant.getNano() / 1e9;
  }

  /** The instant an RFC 3339 string names, or null when it is not one. */
  static Instant parse(String s) {
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
        || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    return LocalDateTime.of(year, month, day, hour, minute, second, nanos).toInstant(ZoneOffset.UTC);
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
}
