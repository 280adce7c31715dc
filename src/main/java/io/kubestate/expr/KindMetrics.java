package io.kubestate.expr;

import io.kubestate.config.Aggregation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
  }

  public WatchTarget target() {
    return target;
  }

  public List<CompiledFamily> families() {
    return families;
  }

  /** Evaluates every family on every object; samples of aggregated families are folded first. */
  public void collect(Iterable<? extends Map<String, Object>> objects, Instant now, SampleSink sink) {
    Map<CompiledFamily, Accumulator> accumulators = new HashMap<>();
    List<CompiledFamily> direct = new ArrayList<>();
    for (CompiledFamily f : families) {
      if (f.aggregate() != null) {
        accumulators.put(f, new Accumulator(f.aggregate()));
      } else {
        direct.add(f);
      }
    }
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

  /** Count or sum per distinct attribute tuple. */
  private static final class Accumulator {
    private final Aggregation.Function function;
    private final Map<List<String>, double[]> totals = new HashMap<>();

    Accumulator(Aggregation.Function function) {
      this.function = function;
    }

    void add(String[] attributeValues, double value) {
      double[] total = totals.computeIfAbsent(Arrays.asList(attributeValues.clone()), k -> new double[1]);
      total[0] += function == Aggregation.Function.COUNT ? 1 : value;
    }

    void flush(CompiledFamily family, SampleSink sink) {
      totals.forEach((attrs, total) -> sink.sample(family, attrs.toArray(new String[0]), null, total[0]));
    }
  }
}
