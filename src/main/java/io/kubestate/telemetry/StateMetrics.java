package io.kubestate.telemetry;

import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.CompiledFamily;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.Memo;
import io.kubestate.expr.MemoSink;
import io.kubestate.expr.ObjectStore;
import io.kubestate.expr.Sample;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Binds a compiled config to OpenTelemetry observable instruments: one batch callback per watched
 * kind walks that kind's objects once and records every family. Nothing is stored between
 * collections, so a deleted object's series are gone at the next collection of every reader.
 */
public final class StateMetrics implements AutoCloseable {
  /** The instrumentation scope of the state metrics. */
  public static final String SCOPE = "io.kubestate.state";
  /** Long enough for any name, label or reason; a message-sized value is a config mistake. */
  public static final int DEFAULT_MAX_ATTRIBUTE_LENGTH = 1024;
  private static final Logger logger = Logger.getLogger(StateMetrics.class.getName());

  private final List<BatchCallback> callbacks = new ArrayList<>();
  private final Set<String> overflowWarned = ConcurrentHashMap.newKeySet();
  private final int cardinalityLimit;
  private final int maxAttributeLength;
  private final CollectionStats stats;
  private final ProblemLog problemLog;
  private final Scope scope;

  /**
   * What a config scoped to one namespace gets on every sample and how many series it may record;
   * the attributes are put last, so that no family of it can set them otherwise.
   *
   * @param owner names the config in self-telemetry
   * @param limit null for no limit
   */
  public record Scope(CollectionStats.Owner owner, Attributes attributes, SeriesLimit limit) {
    static final Scope NONE = new Scope(null, Attributes.empty(), null);
  }

  private StateMetrics(int cardinalityLimit, int maxAttributeLength, CollectionStats stats, Clock clock, Scope scope) {
    this.cardinalityLimit = cardinalityLimit;
    this.maxAttributeLength = maxAttributeLength;
    this.stats = stats;
    this.problemLog = new ProblemLog(clock, Duration.ofMinutes(1));
    this.scope = scope;
  }

  /**
   * Registers the instruments of every family.
   *
   * @param cardinalityLimit the per-instrument limit the readers were configured with; a family
   *     producing more series is reported once in the log
   */
  public static StateMetrics register(Meter meter, CompiledConfig config, ObjectStore store, Clock clock,
      int cardinalityLimit) {
    return register(meter, config, store, clock, cardinalityLimit, DEFAULT_MAX_ATTRIBUTE_LENGTH, new CollectionStats());
  }

  /**
   * Registers the instruments of every family.
   *
   * @param maxAttributeLength attribute values longer than this are cut to it, and counted
   * @param stats where collections report what they did, for self-telemetry
   */
  public static StateMetrics register(Meter meter, CompiledConfig config, ObjectStore store, Clock clock,
      int cardinalityLimit, int maxAttributeLength, CollectionStats stats) {
    return register(meter, config, store, clock, cardinalityLimit, maxAttributeLength, stats, Scope.NONE);
  }

  /** Registers the instruments of every family of a config scoped as {@code scope} says. */
  public static StateMetrics register(Meter meter, CompiledConfig config, ObjectStore store, Clock clock,
      int cardinalityLimit, int maxAttributeLength, CollectionStats stats, Scope scope) {
    StateMetrics metrics = new StateMetrics(cardinalityLimit, maxAttributeLength, stats, clock, scope);
    for (KindMetrics kind : config.kinds()) {
      metrics.registerKind(meter, kind, store, clock);
    }
    return metrics;
  }

  private void registerKind(Meter meter, KindMetrics kind, ObjectStore store, Clock clock) {
    if (kind.families().isEmpty()) {
      return;
    }
    List<Binding> bindings = new ArrayList<>();
    List<ObservableMeasurement> observers = new ArrayList<>();
    for (CompiledFamily f : kind.families()) {
      Binding b = new Binding(f, instrument(meter, f), ObjectIdentity.of(kind.target().kind(), f));
      bindings.add(b);
      observers.add(b.measurement);
    }
    Memo memo = kind.newMemo();
    Sink sink = new Sink(bindings);
    Runnable collect = () -> {
      // The SDK already runs one meter's collections one after the other; the sink's buffer must
      // not depend on that.
      synchronized (sink) {
        long start = System.nanoTime();
        bindings.forEach(b -> b.count = 0);
        sink.allow(scope.limit() == null ? Integer.MAX_VALUE : scope.limit().allowance(kind));
        kind.collect(store.objects(kind.target()), clock.instant(), memo, sink);
        sink.flush();
        if (scope.limit() != null) {
          scope.limit().collected(kind, sink.produced, sink.produced - sink.refused);
          stats.limited(scope.owner(), sink.refused, scope.limit().produced());
        }
        bindings.forEach(this::checkCardinality);
        stats.duration((System.nanoTime() - start) / 1e9);
      }
    };
    callbacks.add(meter.batchCallback(collect, observers.get(0),
        observers.subList(1, observers.size()).toArray(new ObservableMeasurement[0])));
  }

  private static ObservableDoubleMeasurement instrument(Meter meter, CompiledFamily f) {
    if (f.additive()) {
      return meter.upDownCounterBuilder(f.name()).ofDoubles().setDescription(f.description()).setUnit(f.unit())
          .buildObserver();
    }
    return meter.gaugeBuilder(f.name()).setDescription(f.description()).setUnit(f.unit()).buildObserver();
  }

  private void checkCardinality(Binding b) {
    if (scope.owner() == null) {
      // A name several namespaces share has one count per namespace; those are per resource.
      stats.series(b.family.name(), b.count);
    }
    // The SDK keeps limit - 1 series and folds the rest into one overflow series.
    if (b.count >= cardinalityLimit) {
      stats.dropped(b.family.name(), b.count - (cardinalityLimit - 1));
    }
    if (b.count >= cardinalityLimit && overflowWarned.add(b.family.name())) {
      logger.warning("family " + b.family.name() + " produced " + b.count + " series, above the cardinality limit of "
          + cardinalityLimit + " per instrument: the excess is folded into a series with otel.metric.overflow=true."
          + " Raise the limit (--cardinality-limit, or cardinality_limits in an SDK config file) or narrow the family.");
    }
  }

  @Override
  public void close() {
    callbacks.forEach(BatchCallback::close);
    callbacks.clear();
  }

  /**
   * Observations of one collection, recorded on the SDK's instruments only after every object has
   * been walked: recording while walking interleaves two large working sets in the processor's
   * caches (the kept samples and the SDK's per-series storage); one tight pass afterwards made the
   * SDK's part of a 100,000-object collection 15-30% faster. That pass goes in {@link StorageOrder}.
   */
  private static final class Measurements {
    private final Binding[] bindings;
    private final int[] tableSizes;
    /**
     * Measurements whose attributes are read ahead of recording them: the SDK hashes each one
     * first, and they lie wherever their series were first seen, so each read misses the
     * processor's caches. Read in a loop that does nothing else, the misses of a batch are under
     * way at once; one at a time, between the SDK's steps, they came one after the other.
     */
    private static final int BATCH = 32;
    /**
     * Arrays for more measurements than this are let go after each collection: at 700,000 series
     * they take about 37 MB, and between collections they hold nothing. Allocating them again
     * costs a few milliseconds of a collection that takes hundreds.
     */
    private static final int KEEP = 1 << 16;
    private static final int INITIAL = 1024;
    private final StorageOrder storageOrder = new StorageOrder();
    /** The sum of the hashes read ahead, kept so that the reads are not optimized away. */
    private int touched;
    private int[] ranks = new int[INITIAL];
    private int[] hashes = new int[INITIAL];
    private Attributes[] attributes = new Attributes[INITIAL];
    private double[] values = new double[INITIAL];
    private int size;
    private int lastSize;

    Measurements(Binding[] bindings) {
      this.bindings = bindings;
      this.tableSizes = new int[bindings.length];
    }

    void add(Binding b, SampleAttributes a, double value) {
      if (size == values.length) {
        // Straight to about the size the last collection reached, rather than doubling up to it.
        int capacity = Math.max(size * 2, lastSize + (lastSize >> 3));
        ranks = Arrays.copyOf(ranks, capacity);
        hashes = Arrays.copyOf(hashes, capacity);
        attributes = Arrays.copyOf(attributes, capacity);
        values = Arrays.copyOf(values, capacity);
      }
      ranks[size] = b.rank;
      hashes[size] = a.hashCode();
      attributes[size] = a;
      values[size] = value;
      size++;
    }

    void recordAll() {
      try {
        for (Binding b : bindings) {
          // The SDK's table keeps the size it grew to, plus one slot for an overflow series.
          b.peak = Math.max(b.peak, b.count + 1);
          tableSizes[b.rank] = StorageOrder.tableSize(b.peak);
        }
        int[] order = storageOrder.sort(ranks, hashes, size, tableSizes);
        int touched = 0;
        for (int from = 0; from < size; from += BATCH) {
          int to = Math.min(size, from + BATCH);
          for (int k = from; k < to; k++) {
            touched += attributes[order[k]].hashCode();
          }
          for (int k = from; k < to; k++) {
            int i = order[k];
            bindings[ranks[i]].measurement.record(values[i], attributes[i]);
          }
        }
        this.touched = touched;
      } finally {
        Arrays.fill(attributes, 0, size, null);
        lastSize = size;
        size = 0;
        if (values.length > KEEP) {
          ranks = new int[INITIAL];
          hashes = new int[INITIAL];
          attributes = new Attributes[INITIAL];
          values = new double[INITIAL];
        }
        storageOrder.trim(KEEP);
      }
    }
  }

  private static final class Binding {
    final CompiledFamily family;
    final ObservableDoubleMeasurement measurement;
    final SampleAttributes.Layout layout;
    /** This binding's place among the bindings of its kind: its family's index. */
    final int rank;
    /** Series in this collection. */
    int count;
    /** The most series any collection had. */
    int peak;

    Binding(CompiledFamily family, ObservableDoubleMeasurement measurement, ObjectIdentity identity) {
      this.family = family;
      this.measurement = measurement;
      this.rank = family.index();
      this.layout = new SampleAttributes.Layout(family.attributeKeys(), identity);
    }
  }

  /**
   * Gathers the samples of one collection for the instruments; the attributes of a sample that
   * stays the same from one collection to the next are built once and handed to the SDK as the same
   * instance, which its storage then finds by identity.
   */
  private final class Sink implements MemoSink {
    /** By family index. */
    private final Binding[] bindings;
    private final Measurements pending;
    private int truncated;
    private int allowance;
    int produced;
    int refused;

    Sink(List<Binding> bindings) {
      this.bindings = bindings.toArray(new Binding[0]);
      this.pending = new Measurements(this.bindings);
    }

    void allow(int series) {
      allowance = series;
      produced = 0;
      refused = 0;
    }

    /** Whether one more series fits under the config's limit; counts it either way. */
    private boolean admit() {
      if (produced++ < allowance) {
        return true;
      }
      refused++;
      return false;
    }

    @Override
    public Sample record(CompiledFamily family, String[] values, String[] extra, double value,
        Sample same) {
      Binding b = bindings[family.index()];
      // The values never change: the attributes can be a view of them.
      SampleAttributes a = same instanceof SampleAttributes kept ? kept.revalue(value)
          : prepare(b, values, extra, value, true);
      if (admit()) {
        record(b, a, value);
      }
      return a;
    }

    @Override
    public void replay(Sample kept) {
      if (admit()) {
        record(bindings[kept.family().index()], (SampleAttributes) kept, kept.value());
      }
    }

    @Override
    public void sample(CompiledFamily family, String[] values, String[] extra, double value) {
      if (!admit()) {
        return;
      }
      Binding b = bindings[family.index()];
      record(b, prepare(b, values, extra, value, false), value);
    }

    private void record(Binding b, SampleAttributes a, double value) {
      for (int i = 0, n = a.truncated(); i < n; i++) {
        stats.truncated(b.family.name());
      }
      b.count++;
      pending.add(b, a, value);
    }

    void flush() {
      pending.recordAll();
    }

    /** @param owned whether {@code values} stay as they are, so that the attributes may keep them */
    private SampleAttributes prepare(Binding b, String[] values, String[] extra, double value, boolean owned) {
      if (extra == null && scope.attributes().isEmpty() && fits(values)) {
        return SampleAttributes.of(b.family, owned ? values : values.clone(), value, b.layout);
      }
      truncated = 0;
      AttributesBuilder attrs = Attributes.builder();
      if (extra != null) {
        for (int i = 0; i < extra.length; i += 2) {
          attrs.put(extra[i], bounded(extra[i + 1]));
        }
      }
      AttributeKey<String>[] keys = b.layout.keys;
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          attrs.put(keys[i], bounded(values[i]));
        }
      }
      attrs.putAll(scope.attributes());
      return SampleAttributes.wrapping(b.family, owned ? values : values.clone(),
          extra == null || owned ? extra : extra.clone(), value, b.layout, attrs.build(), truncated);
    }

    private boolean fits(String[] values) {
      for (String v : values) {
        if (v != null && v.length() > maxAttributeLength) {
          return false;
        }
      }
      return true;
    }

    @Override
    public void problem(CompiledFamily family, String reason, String message) {
      stats.error(family.name(), reason);
      problemLog.report(family, reason, message);
    }

    private String bounded(String value) {
      if (value.length() <= maxAttributeLength) {
        return value;
      }
      truncated++;
      return value.substring(0, maxAttributeLength);
    }
  }
}
