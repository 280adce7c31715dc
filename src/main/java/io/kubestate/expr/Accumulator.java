package io.kubestate.expr;

import io.kubestate.config.Aggregation;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Count or sum per distinct attribute tuple. Kept by a memo across collections: each collection
 * starts a new round, and a tuple no object produced in a round is dropped when it is flushed.
 */
final class Accumulator {
  private final Aggregation.Function function;
  private final Map<Tuple, Cell> totals = new HashMap<>();
  /** Looks a tuple up without copying it; only a tuple seen for the first time is copied. */
  private final Tuple probe = new Tuple(null);
  private int round;

  Accumulator(Aggregation.Function function) {
    this.function = function;
  }

  void begin() {
    round++;
  }

  void add(String[] attributeValues, double value) {
    cell(attributeValues).add(round, function == Aggregation.Function.COUNT ? 1 : value);
  }

  void add(Sample.Counted s) {
    Cell c = s.cell;
    if (c == null || c.owner != this || c.dropped) {
      c = cell(s.values());
      s.cell = c;
    }
    c.add(round, function == Aggregation.Function.COUNT ? 1 : s.value());
  }

  private Cell cell(String[] attributeValues) {
    probe.set(attributeValues);
    Cell c = totals.get(probe);
    probe.set(null);
    if (c == null) {
      c = new Cell(this, round);
      totals.put(new Tuple(attributeValues.clone()), c);
    }
    return c;
  }

  void flush(CompiledFamily family, SampleSink sink) {
    var it = totals.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      Cell c = e.getValue();
      if (c.round != round) {
        c.dropped = true;
        it.remove();
      } else {
        sink.sample(family, e.getKey().values.clone(), null, c.total);
      }
    }
  }

  /** One tuple's total in the current round. */
  static final class Cell {
    final Accumulator owner;
    int round;
    double total;
    boolean dropped;

    Cell(Accumulator owner, int round) {
      this.owner = owner;
      this.round = round;
    }

    void add(int current, double value) {
      if (round != current) {
        round = current;
        total = 0;
      }
      total += value;
    }
  }

  /** Attribute values as a map key, hashed as {@code List.hashCode} would (so iteration order is the same). */
  private static final class Tuple {
    private String[] values;
    private int hash;

    Tuple(String[] values) {
      set(values);
    }

    void set(String[] v) {
      values = v;
      hash = Arrays.hashCode(v);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tuple t && Arrays.equals(values, t.values);
    }
  }
}
