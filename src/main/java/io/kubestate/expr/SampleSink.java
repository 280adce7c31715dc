package io.kubestate.expr;

/** Receives what a family produces for the objects of one collection. */
public interface SampleSink {

  /**
   * One data point. {@code attributeValues} follows {@link CompiledFamily#attributeKeys()}; a null
   * entry means the attribute is absent. {@code extra} holds attributes whose keys come from the
   * object ({@code attributesFrom}) as key, value, key, value...; null when there are none. The
   * arrays may be reused after the call returns.
   */
  void sample(CompiledFamily family, String[] attributeValues, String[] extra, double value);

  /** A sample that could not be produced (or was produced from an unexpected value), and why. */
  void problem(CompiledFamily family, String reason, String message);
}
