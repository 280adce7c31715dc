package io.kubestate.expr;

import io.kubestate.config.Aggregation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * All families computed from one watched kind. {@link #collect} walks the objects once and feeds
 * every family, which is the cost model of a collection: one pass per kind.
 */
public final class KindMetrics {
  private static final Entry[] NONE = new Entry[0];

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

  /**
   * One sample with its attribute values as they were produced (copied, so never reused by the
   * producer). Kept per object for as long as the object is unchanged: a sink makes its own kind,
   * so that what it needs at every collection is in the same object.
   */
  public static class Sample extends Entry {
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
  private static final class Counted extends Sample {
    /** Where this sample is counted: found once, not hashed at every collection. */
    private Accumulator.Cell cell;

    Counted(CompiledFamily family, String[] values, double value) {
      super(family, values, value);
    }
  }

  /** A sample or a problem, in the order a family produced them. */
  abstract static class Entry {
    final CompiledFamily family;

    Entry(CompiledFamily family) {
      this.family = family;
    }
  }

  private static final class Problem extends Entry {
    final String reason;
    final String message;

    Problem(CompiledFamily family, String reason, String message) {
      super(family);
      this.reason = reason;
      this.message = message;
    }
  }

  /**
   * What the families of one kind produced per object at the last collection: per object one array
   * of entries, family after family in family order, a family that read the clock standing as one
   * {@link Clocked} entry. One array per object rather than one per family: at 100,000 objects of
   * seven families the arrays per family took about 180 bytes an object.
   */
  public static final class Memo {
    private Walk previous = new Walk();
    private Walk next = new Walk();
    private final Recorder recorder = new Recorder();
    private final Scope scope = new Scope();
    /** The entries of the object being evaluated; reused from one object to the next. */
    private final List<Entry> made = new ArrayList<>();
    /** Kept from one collection to the next, so that a replayed sample finds its total without hashing. */
    private final Map<CompiledFamily, Accumulator> accumulators;

    private Memo(Map<CompiledFamily, Accumulator> accumulators) {
      this.accumulators = accumulators;
    }

    private void collect(KindMetrics kind, Iterable<? extends Map<String, Object>> objects, Instant now,
        MemoSink sink) {
      List<CompiledFamily> families = kind.families;
      accumulators.values().forEach(Accumulator::begin);
      Recorder rec = recorder;
      rec.accumulators = accumulators;
      rec.sink = sink;
      try {
        previous.rewind();
        for (Map<String, Object> object : objects) {
          Entry[] before = previous.find(object);
          if (before != null && !clocked(before)) {
            // Most objects: nothing changed and nothing reads the clock; nothing is allocated.
            replay(before, 0, before.length, rec);
            next.add(object, before);
          } else if (before != null) {
            next.add(object, evaluate(families, object, before, true, now, rec));
          } else {
            // A changed object is a new map, usually where its earlier version was: the samples of
            // that version are offered for reuse, though none is replayed.
            next.add(object, evaluate(families, object, previous.earlierVersion(object), false, now, rec));
          }
        }
      } finally {
        Walk swap = previous;
        previous = next;
        next = swap;
        next.clear();
        made.clear();
        rec.accumulators = null;
        rec.sink = null;
        scope.reset(null, now);
      }
      accumulators.forEach((family, acc) -> acc.flush(family, sink));
    }

    /**
     * Evaluates the families of a new or changed object, or of one with results that read the
     * clock; {@code before} is what the same object produced at the last collection (then
     * {@code unchanged}: its families that did not read the clock are replayed), or what its
     * earlier version produced, or null.
     */
    private Entry[] evaluate(List<CompiledFamily> families, Map<String, Object> object, Entry[] before,
        boolean unchanged, Instant now, Recorder rec) {
      List<Entry> out = made;
      out.clear();
      int p = 0;
      for (CompiledFamily f : families) {
        Entry[] earlier = null;
        if (before != null) {
          int from = p;
          while (p < before.length && before[p].family == f) {
            p++;
          }
          if (p - from == 1 && before[from] instanceof Clocked c) {
            earlier = c.entries;
          } else if (!unchanged) {
            earlier = Arrays.copyOfRange(before, from, p);
          } else {
            replay(before, from, p, rec);
            for (int k = from; k < p; k++) {
              out.add(before[k]);
            }
            continue;
          }
        }
        rec.start(earlier);
        scope.reset(object, now).takeClockRead();
        f.evaluate(scope, rec);
        Entry[] produced = rec.finish();
        if (scope.takeClockRead()) {
          // Results that depend on the clock are kept only for their attachments.
          out.add(new Clocked(f, produced));
        } else {
          java.util.Collections.addAll(out, produced);
        }
      }
      Entry[] result = out.isEmpty() ? NONE : out.toArray(NONE);
      out.clear();
      return result;
    }

    private static boolean clocked(Entry[] entries) {
      for (Entry e : entries) {
        if (e instanceof Clocked) {
          return true;
        }
      }
      return false;
    }

    private static void replay(Entry[] entries, int from, int to, Recorder rec) {
      for (int k = from; k < to; k++) {
        Entry e = entries[k];
        if (e instanceof Sample s) {
          rec.deliver(s);
        } else {
          Problem p = (Problem) e;
          rec.sink.problem(p.family, p.reason, p.message);
        }
      }
    }
  }

  /**
   * The objects of one collection in the order the source gave them, each with its entries per
   * family (in family order). Sources iterate in a stable order (a hash map's, which an update in
   * place keeps and an insertion or a deletion shifts by one), so the next collection finds most
   * objects a few places ahead of a cursor that moves along this list, and looks them up by
   * identity only once the order has moved further: at 100,000 objects, a hash lookup and insertion
   * per object per collection cost more than the replay itself. Until then an object that moved far
   * is evaluated again, as a new one would be.
   */
  private static final class Walk {
    /** How far ahead of the cursor an object is looked for. */
    private static final int WINDOW = 64;
    /** Misses in a row (new or changed objects, or a moved order) before objects are looked up by identity. */
    private static final int MISSES = 64;

    @SuppressWarnings("unchecked")
    private Map<String, Object>[] objects = new Map[16];
    private Entry[][] entries = new Entry[16][];
    private int size;
    private int cursor;
    private int misses;
    /** Built once the order has moved too far for the cursor; dropped at the next rewind. */
    private IdentityHashMap<Map<String, Object>, Integer> index;

    void add(Map<String, Object> object, Entry[] produced) {
      if (size == objects.length) {
        objects = Arrays.copyOf(objects, size * 2);
        entries = Arrays.copyOf(entries, size * 2);
      }
      objects[size] = object;
      entries[size] = produced;
      size++;
    }

    void rewind() {
      cursor = 0;
      misses = 0;
      index = null;
    }

    /** What {@code object} (the same instance) produced in this walk, or null if it was not in it. */
    Entry[] find(Map<String, Object> object) {
      if (index == null) {
        for (int k = 0; k < WINDOW && cursor + k < size; k++) {
          if (objects[cursor + k] == object) {
            cursor += k + 1;
            // Right at the cursor, or just past an insertion, deletion or change: the order holds.
            // A hit further on may be chance in an order that moved, and does not count.
            if (k < 4) {
              misses = 0;
            }
            return entries[cursor - 1];
          }
        }
        // A new or changed object, or the order moved further than the window.
        if (++misses <= MISSES || cursor >= size) {
          return null;
        }
        index = new IdentityHashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
          index.put(objects[i], i);
        }
      }
      Integer at = index.get(object);
      return at == null ? null : entries[at];
    }

    /**
     * What the object at the cursor produced, if it is an earlier version of {@code object} (same
     * namespace and name): where a source replaces a changed object, it keeps its place.
     */
    Entry[] earlierVersion(Map<String, Object> object) {
      if (index != null || cursor >= size) {
        return null;
      }
      Map<String, Object> candidate = objects[cursor];
      return sameIdentity(candidate, object) ? entries[cursor] : null;
    }

    private static boolean sameIdentity(Map<String, Object> a, Map<String, Object> b) {
      if (!(a.get("metadata") instanceof Map<?, ?> ma) || !(b.get("metadata") instanceof Map<?, ?> mb)) {
        return false;
      }
      Object name = ma.get("name");
      return name != null && name.equals(mb.get("name")) && java.util.Objects.equals(ma.get("namespace"),
          mb.get("namespace"));
    }

    void clear() {
      Arrays.fill(objects, 0, size, null);
      Arrays.fill(entries, 0, size, null);
      size = 0;
      rewind();
    }
  }

  /** Stands for a family result that read the clock: evaluated again every time, its entries kept for reuse. */
  private static final class Clocked extends Entry {
    final Entry[] entries;

    Clocked(CompiledFamily family, Entry[] entries) {
      super(family);
      this.entries = entries;
    }
  }

  /** Records what a family produces for one object while passing it on. */
  private static final class Recorder implements SampleSink {
    Map<CompiledFamily, Accumulator> accumulators;
    MemoSink sink;
    private Entry[] earlier;
    private final List<Entry> entries = new ArrayList<>();

    void start(Entry[] earlier) {
      this.earlier = earlier;
      entries.clear();
    }

    Entry[] finish() {
      Entry[] out = entries.isEmpty() ? NONE : entries.toArray(NONE);
      entries.clear();
      earlier = null;
      return out;
    }

    @Override
    public void sample(CompiledFamily family, String[] attributeValues, String[] extra, double value) {
      String[] values = attributeValues.clone();
      if (family.aggregate() != null) {
        Counted c = new Counted(family, values, value);
        entries.add(c);
        deliver(c);
        return;
      }
      String[] x = extra == null ? null : extra.clone();
      int at = entries.size();
      Sample same = earlier != null && at < earlier.length && earlier[at] instanceof Sample old
          && !(old instanceof Counted) && old.sameAttributes(family, values, x) ? old : null;
      entries.add(sink.record(family, values, x, value, same));
    }

    void deliver(Sample s) {
      if (s instanceof Counted c) {
        (c.cell != null ? c.cell.owner : accumulators.get(c.family)).add(c);
      } else {
        sink.replay(s);
      }
    }

    @Override
    public void problem(CompiledFamily family, String reason, String message) {
      entries.add(new Problem(family, reason, message));
      sink.problem(family, reason, message);
    }
  }

  /**
   * Count or sum per distinct attribute tuple. Kept by a memo across collections: each collection
   * starts a new round, and a tuple no object produced in a round is dropped when it is flushed.
   */
  private static final class Accumulator {
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

    void add(Counted s) {
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
