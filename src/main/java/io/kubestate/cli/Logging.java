package io.kubestate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Level;
import java.util.logging.Logger;

/** One line per log record, on standard error, quiet for chatty libraries. */
final class Logging {
  /** Held: java.util.logging forgets the level of a logger nobody references. */
  private static final List<Logger> QUIETED = new ArrayList<>();

  private Logging() {}

  static void configure() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s: %5$s%6$s%n");
    quiet("io.fabric8", Level.WARNING);
    // Warns that v1beta versions are unstable, for kinds whose users have no other version.
    quiet("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils", Level.SEVERE);
    // Repeats, at every retry, the failures the exporter already reports once with their cause.
    quiet("io.fabric8.kubernetes.client.informers.impl.cache.Reflector", Level.SEVERE);
    quiet("io.vertx", Level.WARNING);
    quiet("io.netty", Level.WARNING);
    quiet("okhttp3", Level.WARNING);
    // fabric8 reports a dropped connection with its own stack traces ("Queued close did not
    // succeed"); the exporter says what failed in a line of its own, so they are kept for FINE.
    for (Handler h : Logger.getLogger("").getHandlers()) {
      h.setFilter(Logging::demoteLibraryTraces);
    }
  }

  private static boolean demoteLibraryTraces(LogRecord r) {
    if (r.getThrown() != null && r.getLoggerName() != null && r.getLoggerName().startsWith("io.fabric8")
        && r.getLevel().intValue() < Level.SEVERE.intValue()) {
      r.setLevel(Level.FINE);
      return Logger.getLogger("").getHandlers().length > 0
          && Logger.getLogger("").getHandlers()[0].getLevel().intValue() <= Level.FINE.intValue();
    }
    return true;
  }

  private static void quiet(String name, Level level) {
    Logger logger = Logger.getLogger(name);
    logger.setLevel(level);
    QUIETED.add(logger);
  }
}
