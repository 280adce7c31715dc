package io.kubestate.telemetry;

import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.CompiledFamily;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.ObjectStore;
import io.kubestate.expr.SampleSink;
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
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
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
  private static final Logger logger = Logger.getLogger(StateMetrics.class.getName());

  private final List<BatchCallback> callbacks = new ArrayList<>();
  private final Set<String> overflowWarned = ConcurrentHashMap.newKeySet();
  private final int cardinalityLimit;
  private final ProblemLog problemLog;

  private StateMetrics(int cardinalityLimit, Clock clock) {
    this.cardinalityLimit = cardinalityLimit;
    this.problemLog = new ProblemLog(clock, Duration.ofMinutes(1));
  }

  /**
   * Registers the instruments of every family.
   *
   * @param cardinalityLimit the per-instrument limit the readers were configured with; a family
   *     producing more series is reported once in the log
   */
  public static StateMetrics register(Meter meter, CompiledConfig config, ObjectStore store, Clock clock,
      int cardinalityLimit) {
    StateMetrics metrics = new StateMetrics(cardinalityLimit, clock);
    for (KindMetrics kind : config.kinds()) {
      metrics.registerKind(meter, kind, store, clock);
    }
    return metrics;
  }

  private void registerKind(Meter meter, KindMetrics kind, ObjectStore store, Clock clock) {
    if (kind.families().isEmpty()) {
      return;
    }
    Map<CompiledFamily, Binding> bindings = new IdentityHashMap<>();
    List<ObservableMeasurement> observers = new ArrayList<>();
    for (CompiledFamily f : kind.families()) {
      Binding b = new Binding(f, instrument(meter, f));
      bindings.put(f, b);
      observers.add(b.measurement);
    }
    Runnable collect = () -> {
      bindings.values().forEach(b -> b.count = 0);
      kind.collect(store.objects(kind.target()), clock.instant(), new Sink(bindings));
      bindings.values().forEach(this::checkCardinality);
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
    // The SDK keeps limit - 1 series and folds the rest into one overflow series.
    if (b.count >= cardinalityLimit && overflowWarned.add(b.family.name())) {
      logger.warning("family " + b.family.name() + " produced " + b.count + " series, above the cardinality limit of "
          + cardinalityLimit + " per instrument: the excess is folded into a series with otel.metric.overflow=true."
          + " Raise --cardinality-limit or narrow the family.");
    }
  }

  @Override
  public void close() {
    callbacks.forEach(BatchCallback::close);
    callbacks.clear();
  }

  private static final class Binding {
    final CompiledFamily family;
    final ObservableDoubleMeasurement measurement;
    final AttributeKey<String>[] keys;
    int count;

    @SuppressWarnings("unchecked")
    Binding(CompiledFamily family, ObservableDoubleMeasurement measurement) {
      this.family = family;
      this.measurement = measurement;
      this.keys = family.attributeKeys().stream().map(AttributeKey::stringKey).toArray(AttributeKey[]::new);
    }
  }

  private final class Sink implements SampleSink {
    private final Map<CompiledFamily, Binding> bindings;

    Sink(Map<CompiledFamily, Binding> bindings) {
      this.bindings = bindings;
    }

    @Override
    public void sample(CompiledFamily family, String[] values, String[] extra, double value) {
      Binding b = bindings.get(family);
      AttributesBuilder attrs = Attributes.builder();
      if (extra != null) {
        for (int i = 0; i < extra.length; i += 2) {
          attrs.put(extra[i], extra[i + 1]);
        }
      }
      for (int i = 0; i < values.length; i++) {
        if (values[i] != null) {
          attrs.put(b.keys[i], values[i]);
        }
      }
      b.count++;
      b.measurement.record(value, attrs.build());
    }

    @Override
    public void problem(CompiledFamily family, String reason, String message) {
      problemLog.report(family, reason, message);
    }
  }
}
