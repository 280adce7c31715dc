package io.kubestate.source;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs the steps of one list-watch loop, each failed one again after a backoff that grows with the
 * failures in a row.
 */
final class WatchRetries {
  /** Under the loop's name: these lines tell of its list and watch. */
  private static final Logger logger = Logger.getLogger(ListWatch.class.getName());
  /** Blocking steps (list pages, watch handshakes) of every kind; threads end when idle. */
  private static final ExecutorService WORK = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "list-watch");
    t.setDaemon(true);
    return t;
  });
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "list-watch-retry");
    t.setDaemon(true);
    return t;
  });

  private final String what;
  private final WatchSettings settings;
  private int failures;
  private boolean closed;
  private Future<?> pending;

  WatchRetries(String what, WatchSettings settings) {
    this.what = what;
    this.settings = settings;
  }

  /** Runs {@code step} after the backoff, unless closed first. */
  void retry(Runnable step) {
    long delay;
    synchronized (this) {
      delay = settings.backoff(failures++).toMillis();
      if (closed) {
        return;
      }
      pending = TIMER.schedule(() -> submit(step), delay, TimeUnit.MILLISECONDS);
    }
  }

  /** Runs {@code step} once {@code delay} has passed, unless closed first; failures in a row stay as they are. */
  void after(java.time.Duration delay, Runnable step) {
    synchronized (this) {
      if (closed) {
        return;
      }
      TIMER.schedule(() -> submit(step), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Runs {@code step} now. */
  void submit(Runnable step) {
    try {
      WORK.execute(step);
    } catch (RejectedExecutionException e) {
      logger.fine("not resumed, stopping: " + what);
    }
  }

  /** The API answered: the next failure waits the first backoff again. */
  synchronized void reset() {
    failures = 0;
  }

  synchronized void close() {
    closed = true;
    if (pending != null) {
      pending.cancel(false);
    }
  }
}
