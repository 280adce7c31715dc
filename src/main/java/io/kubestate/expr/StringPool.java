package io.kubestate.expr;

/**
 * Lets the cached objects share one instance of a string that many of them hold: a namespace, a
 * condition's type, status and reason, a label value. Every object arrives from the API as text
 * parsed into strings of its own, so 100,000 PipelineRuns held 100,000 copies of "True".
 *
 * <p>A fixed table with one string per slot, replaced on a miss: no lock, no growth, nothing to
 * evict. A value that repeats finds itself while the objects around it hold it (lists come
 * namespace by namespace); a value that never repeats, such as a name or a uid, takes a slot until
 * the next one and costs a hash and a comparison. Threads may replace one another's entries; any
 * string found is equal to the one asked for, so a lost write only loses sharing.
 */
final class StringPool {
  private static final int SLOTS = 1 << 14;
  /** Longer strings rarely repeat (messages, annotations), and comparing them costs more. */
  private static final int MAX_LENGTH = 64;
  private static final String[] table = new String[SLOTS];

  private StringPool() {}

  static String canonical(String s) {
    if (s.length() > MAX_LENGTH) {
      return s;
    }
    int h = s.hashCode();
    int slot = (h ^ (h >>> 14)) & (SLOTS - 1);
    String kept = table[slot];
    if (kept != null && kept.hashCode() == h && kept.equals(s)) {
      return kept;
    }
    table[slot] = s;
    return s;
  }
}
