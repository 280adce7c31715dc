package io.kubestate.expr;

/** Receives the samples of a memoized collection; problems and folded samples arrive as for a {@link SampleSink}. */
public interface MemoSink extends SampleSink {
  /**
   * A sample a family produced now, its arrays the sink's to keep. Returns the sample the memo
   * keeps in its place, to come back through {@link #replay} while the object is unchanged: the
   * sink's own subclass of {@link Sample}, which may be {@code same} with the new value.
   *
   * @param same what the same family produced at the same place for this object at its last
   *     evaluation, when it had the same attributes; else null
   */
  Sample record(CompiledFamily family, String[] values, String[] extra, double value, Sample same);

  /** A sample {@link #record} returned, for an object that has not changed. */
  void replay(Sample kept);
}
