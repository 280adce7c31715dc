package io.kubestate.expr;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All families computed from one watched kind. {@link #collect} walks the objects once and feeds
 * every family, which is the cost model of a collection: one pass per kind.
 */
public final class KindMetrics {
  private final WatchTarget target;
  private final List<CompiledFamily> families;

  KindMetrics(WatchTarget target, List<CompiledFamily> families) {
    this.target = target;
    this.families = List.copyOf(families);
    for (int i = 0; i < this.families.size(); i++) {
      this.families.get(i).placeAt(i);
    }
  }

  public WatchTarget target() {
    return target;
  }

  public List<CompiledFamily> families() {
    return families;
  }

  /** Evaluates every family on every object; samples of aggregated families are folded first. */
  public void collect(Iterable<? extends Map<String, Object>> objects, Instant now, SampleSink sink) {
    Map<CompiledFamily, Accumulator> accumulators = accumulators();
    SampleSink folding = new SampleSink() {
      @Override
      public void sample(CompiledFamily family, String[] attributeValues, String[] extra, double value) {
        Accumulator acc = accumulators.get(family);
        if (acc == null) {
          sink.sample(family, attributeValues, extra, value);
        } else {
          acc.add(attributeValues, value);
        }
      }

      @Override
      public void problem(CompiledFamily family, String reason, String message) {
        sink.problem(family, reason, message);
      }
    };
    Scope scope = new Scope();
    for (Map<String, Object> object : objects) {
      for (CompiledFamily f : families) {
        f.evaluate(scope.reset(object, now), folding);
      }
    }
    accumulators.forEach((family, acc) -> acc.flush(family, sink));
  }

  /**
   * As {@link #collect(Iterable, Instant, SampleSink)}, producing the same samples and problems in
   * the same order, but a family whose evaluation of an object did not read the clock is not
   * evaluated again while that object is the same map: what it produced is replayed from
   * {@code memo}. Sources replace an object's map when the object changes (the informer cache
   * converts every event into a new map), so identity stands for "unchanged". A sample the
   * families produce reaches {@link MemoSink#record}, which returns what the memo keeps of it (the
   * sink's own form of a sample); a replayed sample reaches {@link MemoSink#replay} as that.
   */
  public void collect(Iterable<? extends Map<String, Object>> objects, Instant now, Memo memo, MemoSink sink) {
    synchronized (memo) {
      memo.collect(this, objects, now, sink);
    }
  }

  /** Memory of one caller's collections, for {@link #collect(Iterable, Instant, Memo, MemoSink)}. */
  public Memo newMemo() {
    return new Memo(accumulators());
  }

  private Map<CompiledFamily, Accumulator> accumulators() {
    Map<CompiledFamily, Accumulator> accumulators = new HashMap<>();
    for (CompiledFamily f : families) {
      if (f.aggregate() != null) {
        accumulators.put(f, new Accumulator(f.aggregate()));
      }
    }
    return accumulators;
  }
}
