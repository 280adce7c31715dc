package io.kubestate.cli;

import io.kubestate.telemetry.Telemetry;
import java.lang.management.ManagementFactory;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The first collection, made as soon as the exporter's own kinds have synced and before it reports
 * ready. At 100,000 objects it builds some 700,000 series and takes seconds, mostly in code not yet
 * compiled: a first scrape would wait for all of it, and Prometheus' scrape timeout is 10 s by
 * default. Its log line gives what a user sizes the pod from: the objects cached, the exposition,
 * and the heap they hold, measured after a full collection of the garbage.
 */
final class FirstCollection implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(FirstCollection.class.getName());

  private final Thread thread;
  private volatile boolean done;

  private FirstCollection(Telemetry telemetry, BooleanSupplier synced, LongSupplier objects) {
    thread = new Thread(() -> run(telemetry, synced, objects), "first-collection");
    thread.setDaemon(true);
  }

  /**
   * @param synced whether the exporter's own kinds have synced
   * @param objects how many objects the cache holds
   */
  static FirstCollection start(Telemetry telemetry, BooleanSupplier synced, LongSupplier objects) {
    FirstCollection first = new FirstCollection(telemetry, synced, objects);
    first.thread.start();
    return first;
  }

  /** Whether the first collection is over (or could not be made, which must not keep the exporter unready). */
  boolean done() {
    return done;
  }

  private void run(Telemetry telemetry, BooleanSupplier synced, LongSupplier objects) {
    try {
      while (!synced.getAsBoolean()) {
        Thread.sleep(200);
      }
      long start = System.nanoTime();
      long bytes = telemetry.collectOnce();
      double seconds = (System.nanoTime() - start) / 1e9;
      long cached = objects.getAsLong();
      // Once, at start: the only way to know the heap the cache and the series hold.
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      long max = Runtime.getRuntime().maxMemory();
      logger.info(String.format(java.util.Locale.ROOT,
          "first collection: %,d objects cached, %s in %.1f s; heap in use after it %,d MiB of %,d MiB%s;"
              + " docs/operations.md (Sizing) gives the memory limit for a heap this size", cached,
          bytes < 0 ? "no Prometheus endpoint" : String.format(java.util.Locale.ROOT, "exposition %,d KiB", bytes >> 10),
          seconds, heap >> 20, max >> 20,
          // Below that, the exporter's own classes and buffers make a figure per object meaningless.
          cached < 10_000 ? "" : String.format(java.util.Locale.ROOT, " (%,d bytes per object)", heap / cached)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | OutOfMemoryError e) {
      logger.log(Level.WARNING, "the first collection failed; scrapes make their own: " + e, e);
    } finally {
      done = true;
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
