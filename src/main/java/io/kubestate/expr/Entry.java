package io.kubestate.expr;

/** A sample or a problem, in the order a family produced them. */
abstract class Entry {
  final CompiledFamily family;

  Entry(CompiledFamily family) {
    this.family = family;
  }

  static final class Problem extends Entry {
    final String reason;
    final String message;

    Problem(CompiledFamily family, String reason, String message) {
      super(family);
      this.reason = reason;
      this.message = message;
    }
  }

  /** Stands for a family result that read the clock: evaluated again every time, its entries kept for reuse. */
  static final class Clocked extends Entry {
    final Entry[] entries;

    Clocked(CompiledFamily family, Entry[] entries) {
      super(family);
      this.entries = entries;
    }
  }
}
