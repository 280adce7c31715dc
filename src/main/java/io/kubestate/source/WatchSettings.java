package io.kubestate.source;

import java.time.Duration;

/**
 * The pace of the list-watch loop of every kind.
 *
 * @param firstRetry the wait before the first retry of a failed list or watch, doubled at each
 *     further failure up to {@code maxRetry}
 * @param grace how long a kind counts as up after its watch ended, while it is opened again: the
 *     API server ends every watch after {@code watchTimeout}, which is no outage
 * @param watchTimeout asked of the API server for each watch, which it ends then
 * @param listPage objects per list request
 * @param streamingLists whether lists are asked for as streaming watches where the API server
 *     serves them (see {@link StreamingLists})
 * @param firstEventWait how long a streaming list may stay silent before the API server is taken
 *     not to serve it: one that does sends an event or a bookmark at once
 */
public record WatchSettings(Duration firstRetry, Duration maxRetry, Duration grace, Duration watchTimeout,
    long listPage, boolean streamingLists, Duration firstEventWait) {
  public static final WatchSettings DEFAULT = new WatchSettings(Duration.ofSeconds(1), Duration.ofSeconds(30),
      Duration.ofSeconds(5), Duration.ofMinutes(10), 500, true, Duration.ofSeconds(30));

  /** These settings with {@code streamingLists} on or off. */
  public WatchSettings withStreamingLists(boolean on) {
    return new WatchSettings(firstRetry, maxRetry, grace, watchTimeout, listPage, on, firstEventWait);
  }

  /** The wait before retry number {@code failures} (from 0). */
  Duration backoff(int failures) {
    Duration d = firstRetry.multipliedBy(1L << Math.min(failures, 20));
    return d.compareTo(maxRetry) > 0 ? maxRetry : d;
  }
}
