package io.kubestate.cli;

import java.util.logging.Level;
import java.util.logging.Logger;

/** One line per log record, on standard error, quiet for chatty libraries. */
final class Logging {

  private Logging() {}

  static void configure() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    System.setProperty("java.util.logging.SimpleFormatter.format",
        "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s: %5$s%6$s%n");
    Logger.getLogger("io.fabric8").setLevel(Level.WARNING);
    Logger.getLogger("io.vertx").setLevel(Level.WARNING);
    Logger.getLogger("io.netty").setLevel(Level.WARNING);
    Logger.getLogger("okhttp3").setLevel(Level.WARNING);
  }
}
