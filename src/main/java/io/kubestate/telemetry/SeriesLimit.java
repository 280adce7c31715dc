package io.kubestate.telemetry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A ceiling on the series of one config across all its kinds. Each kind's collection may record
 * what the ceiling leaves after the other kinds' last collections; the rest is dropped, counted,
 * and the config is marked as over its limit until a collection fits again.
 */
public final class SeriesLimit {
  private final int limit;
  private final Map<Object, Integer> recorded = new ConcurrentHashMap<>();
  private final Map<Object, Integer> produced = new ConcurrentHashMap<>();

  public SeriesLimit(int limit) {
    this.limit = limit;
  }

  public int limit() {
    return limit;
  }

  /** How many series the kind {@code part} may record in the collection it starts. */
  synchronized int allowance(Object part) {
    int others = 0;
    for (Map.Entry<Object, Integer> e : recorded.entrySet()) {
      if (!e.getKey().equals(part)) {
        others += e.getValue();
      }
    }
    return Math.max(0, limit - others);
  }

  synchronized void collected(Object part, int producedSeries, int recordedSeries) {
    produced.put(part, producedSeries);
    recorded.put(part, recordedSeries);
  }

  /** Series the config's families produced at their last collections, kept or not. */
  public int produced() {
    return produced.values().stream().mapToInt(Integer::intValue).sum();
  }

  public boolean exceeded() {
    return produced() > limit;
  }
}
