package io.kubestate.telemetry;

import io.kubestate.expr.CompiledFamily;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Logs evaluation problems without flooding: the first occurrence of each family and reason, then
 * at most one line per interval with the count since the last line.
 */
final class ProblemLog {
  private static final Logger logger = Logger.getLogger(ProblemLog.class.getName());
  private final Clock clock;
  private final long intervalMillis;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  private static final class Entry {
    final AtomicLong suppressed = new AtomicLong();
    volatile long lastLogged;
  }

  ProblemLog(Clock clock, Duration interval) {
    this.clock = clock;
    this.intervalMillis = interval.toMillis();
  }

  void report(CompiledFamily family, String reason, String message) {
    String key = family.name() + "\u0000" + reason;
    long now = clock.millis();
    Entry e = entries.computeIfAbsent(key, k -> new Entry());
    boolean first = e.lastLogged == 0;
    if (!first && now - e.lastLogged < intervalMillis) {
      e.suppressed.incrementAndGet();
      return;
    }
    e.lastLogged = now;
    long more = e.suppressed.getAndSet(0);
    logger.log(Level.WARNING, () -> "family " + family.name() + " (" + family.position() + "): sample skipped ("
        + reason + "): " + message + (more > 0 ? " [" + more + " more like this since the last report]" : ""));
  }
}
