package io.kubestate.telemetry;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * What collections of the state metrics did, for self-telemetry: samples skipped and why, series
 * folded into the overflow series, attribute values truncated, series per family, and time spent;
 * and, per config resource, its series and the status it was given.
 * Counts are per collection: with two readers (Prometheus and OTLP) each collection counts.
 */
public final class CollectionStats {
  /** Which reader is collecting on this thread, when it says so. */
  private static final ThreadLocal<String> READER = new ThreadLocal<>();

  public record ErrorKey(String family, String reason) {}

  /** Whether a config resource is measured in full, and the reason its status gives. */
  public record OwnerStatus(boolean ready, String reason) {}

  /** A config resource, by namespace and name. */
  public record Owner(String namespace, String name) {
    static final java.util.Comparator<Owner> ORDER =
        java.util.Comparator.comparing(Owner::namespace).thenComparing(Owner::name);
  }

  private final Map<ErrorKey, LongAdder> errors = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> dropped = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> truncated = new ConcurrentHashMap<>();
  private final Map<String, Integer> series = new ConcurrentHashMap<>();
  private final Map<Owner, LongAdder> limited = new ConcurrentHashMap<>();
  private final Map<Owner, Integer> ownerSeries = new ConcurrentHashMap<>();
  private final Map<Owner, OwnerStatus> ownerStatuses = new ConcurrentHashMap<>();
  private volatile BiConsumer<String, Double> durations = (kind, seconds) -> {};

  /** Runs a collection on behalf of a named reader, so that its time is attributed to it. */
  public static void asReader(String reader, Runnable collection) {
    String previous = READER.get();
    READER.set(reader);
    try {
      collection.run();
    } finally {
      READER.set(previous);
    }
  }

  static String currentReader() {
    String r = READER.get();
    return r == null ? "periodic" : r;
  }

  /** Where collection durations go: (reader, seconds). */
  public void onDuration(BiConsumer<String, Double> sink) {
    this.durations = sink;
  }

  void error(String family, String reason) {
    errors.computeIfAbsent(new ErrorKey(family, reason), k -> new LongAdder()).increment();
  }

  void dropped(String family, long count) {
    dropped.computeIfAbsent(family, k -> new LongAdder()).add(count);
  }

  void truncated(String family) {
    truncated.computeIfAbsent(family, k -> new LongAdder()).increment();
  }

  void series(String family, int count) {
    series.put(family, count);
  }

  /** One collection of one kind of a config with a series limit dropped {@code refused} series. */
  void limited(Owner owner, int refused, int produced) {
    limited.computeIfAbsent(owner, k -> new LongAdder()).add(refused);
    ownerSeries.put(owner, produced);
  }

  /** Forgets what a config resource's collections did, when it stops being measured. */
  public void forget(Owner owner) {
    limited.remove(owner);
    ownerSeries.remove(owner);
  }

  /** The status a config resource was last given. */
  public void status(Owner owner, OwnerStatus status) {
    ownerStatuses.put(owner, status);
  }

  /** Forgets the status of a config resource that is gone. */
  public void forgetStatus(Owner owner) {
    ownerStatuses.remove(owner);
  }

  /** The status each config resource was last given. */
  public Map<Owner, OwnerStatus> ownerStatuses() {
    Map<Owner, OwnerStatus> out = new TreeMap<>(Owner.ORDER);
    out.putAll(ownerStatuses);
    return out;
  }

  /** Series each config resource produced at its last collections, exported or not. */
  public Map<Owner, Integer> ownerSeries() {
    Map<Owner, Integer> out = new TreeMap<>(Owner.ORDER);
    out.putAll(ownerSeries);
    return out;
  }

  void duration(double seconds) {
    durations.accept(currentReader(), seconds);
  }

  public Map<ErrorKey, Long> errors() {
    Map<ErrorKey, Long> out = new TreeMap<>(java.util.Comparator.comparing(ErrorKey::family)
        .thenComparing(ErrorKey::reason));
    errors.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  public Map<String, Long> dropped() {
    return sums(dropped);
  }

  public Map<String, Long> truncated() {
    return sums(truncated);
  }

  /** Series dropped because a config resource reached its series limit, counted at every collection. */
  public Map<Owner, Long> limited() {
    Map<Owner, Long> out = new TreeMap<>(Owner.ORDER);
    limited.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Series each family produced at its last collection. */
  public Map<String, Integer> series() {
    return new TreeMap<>(series);
  }

  private static Map<String, Long> sums(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
