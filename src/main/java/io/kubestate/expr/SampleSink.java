package io.kubestate.expr;

/** Receives what a family produces for the objects of one collection. */
public interface SampleSink {

  /**
   * One data point. {@code attributeValues} follows {@link CompiledFamily#attributeKeys()}; a null
   * entry means the attribute is absent. The array may be reused after the call returns.
   */
  void sample(CompiledFamily family, String[] attributeValues, double value);

  /** A sample that could not be produced (or was produced from an unexpected value), and why. */
  void problem(CompiledFamily family, String reason, String message);
}
