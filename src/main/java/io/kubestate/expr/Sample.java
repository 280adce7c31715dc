package io.kubestate.expr;

import java.util.Arrays;

/**
 * One sample with its attribute values as they were produced (copied, so never reused by the
 * producer). Kept per object for as long as the object is unchanged: a sink makes its own kind,
 * so that what it needs at every collection is in the same object.
 */
public class Sample extends Entry {
  private final String[] values;
  private double value;

  protected Sample(CompiledFamily family, String[] values, double value) {
    super(family);
    this.values = values;
    this.value = value;
  }

  /** A sample of no sink's own kind. */
  public static Sample of(CompiledFamily family, String[] values, String[] extra, double value) {
    return extra == null ? new Sample(family, values, value) : new WithExtra(family, values, extra, value);
  }

  public final CompiledFamily family() {
    return family;
  }

  /** Follows {@link CompiledFamily#attributeKeys()}; null entries are absent attributes. */
  public final String[] values() {
    return values;
  }

  /** Key, value, key, value...; null when there are none. */
  public String[] extra() {
    return null;
  }

  public final double value() {
    return value;
  }

  /** For a sink that keeps this sample for a new evaluation with the same attributes (see {@link MemoSink#record}). */
  protected final void value(double value) {
    this.value = value;
  }

  final boolean sameAttributes(CompiledFamily family, String[] values, String[] extra) {
    return family == this.family && Arrays.equals(values, this.values) && Arrays.equals(extra, extra());
  }

  private static final class WithExtra extends Sample {
    private final String[] extra;

    WithExtra(CompiledFamily family, String[] values, String[] extra, double value) {
      super(family, values, value);
      this.extra = extra;
    }

    @Override
    public String[] extra() {
      return extra;
    }
  }

  /** A sample of an aggregated family: counted or summed, never seen by the sink as such. */
  static final class Counted extends Sample {
    /** Where this sample is counted: found once, not hashed at every collection. */
    Accumulator.Cell cell;

    Counted(CompiledFamily family, String[] values, double value) {
      super(family, values, value);
    }
  }
}
