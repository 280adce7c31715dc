package io.kubestate.expr;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the families of one kind produced per object at the last collection: per object one array
 * of entries, family after family in family order, a family that read the clock standing as one
 * {@link Entry.Clocked} entry. One array per object rather than one per family: at 100,000 objects of
 * seven families the arrays per family took about 180 bytes an object.
 */
public final class Memo {
  private static final Entry[] NONE = new Entry[0];

  private Walk previous = new Walk();
  private Walk next = new Walk();
  private final Recorder recorder = new Recorder();
  private final Scope scope = new Scope();
  /** The entries of the object being evaluated; reused from one object to the next. */
  private final List<Entry> made = new ArrayList<>();
  /** Kept from one collection to the next, so that a replayed sample finds its total without hashing. */
  private final Map<CompiledFamily, Accumulator> accumulators;

  Memo(Map<CompiledFamily, Accumulator> accumulators) {
    this.accumulators = accumulators;
  }

  void collect(KindMetrics kind, Iterable<? extends Map<String, Object>> objects, Instant now,
      MemoSink sink) {
    List<CompiledFamily> families = kind.families();
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
    rec.newObject();
    int p = 0;
    for (CompiledFamily f : families) {
      Entry[] earlier = null;
      int earlierFrom = 0;
      int earlierTo = 0;
      if (before != null) {
        int from = p;
        while (p < before.length && before[p].family == f) {
          p++;
        }
        if (p - from == 1 && before[from] instanceof Entry.Clocked c) {
          earlier = c.entries;
          earlierTo = earlier.length;
        } else if (!unchanged) {
          earlier = before;
          earlierFrom = from;
          earlierTo = p;
        } else {
          replay(before, from, p, rec);
          for (int k = from; k < p; k++) {
            out.add(before[k]);
          }
          continue;
        }
      }
      rec.start(earlier, earlierFrom, earlierTo);
      scope.reset(object, now).takeClockRead();
      f.evaluate(scope, rec);
      Entry[] produced = rec.finish();
      if (scope.takeClockRead()) {
        // Results that depend on the clock are evaluated again each time; kept, their samples are
        // offered back to the sink at the next evaluation.
        out.add(new Entry.Clocked(f, produced));
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
      if (e instanceof Entry.Clocked) {
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
        Entry.Problem p = (Entry.Problem) e;
        rec.sink.problem(p.family, p.reason, p.message);
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

  /** Records what a family produces for one object while passing it on. */
  private static final class Recorder implements SampleSink {
    Map<CompiledFamily, Accumulator> accumulators;
    MemoSink sink;
    /** What the family produced for the object before, in {@code earlier[earlierFrom, earlierTo)}. */
    private Entry[] earlier;
    private int earlierFrom;
    private int earlierTo;
    private final List<Entry> entries = new ArrayList<>();
    /**
     * The values of the object's last sample. Families of one object often give the same
     * attributes (a PipelineRun's five timestamp and duration families: its namespace and name),
     * and their samples then share one array: at 100,000 PipelineRuns, about 100 bytes an object.
     */
    private String[] lastValues;

    /** The families of another object are evaluated from here on. */
    void newObject() {
      lastValues = null;
    }

    void start(Entry[] earlier, int from, int to) {
      this.earlier = earlier;
      this.earlierFrom = from;
      this.earlierTo = to;
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
      String[] values = lastValues != null && Arrays.equals(lastValues, attributeValues) ? lastValues
          : attributeValues.clone();
      lastValues = values;
      if (family.aggregate() != null) {
        Sample.Counted c = new Sample.Counted(family, values, value);
        entries.add(c);
        deliver(c);
        return;
      }
      String[] x = extra == null ? null : extra.clone();
      int at = entries.size();
      Sample same = earlier != null && earlierFrom + at < earlierTo && earlier[earlierFrom + at] instanceof Sample old
          && !(old instanceof Sample.Counted) && old.sameAttributes(family, values, x) ? old : null;
      entries.add(sink.record(family, values, x, value, same));
    }

    void deliver(Sample s) {
      if (s instanceof Sample.Counted c) {
        (c.cell != null ? c.cell.owner : accumulators.get(c.family)).add(c);
      } else {
        sink.replay(s);
      }
    }

    @Override
    public void problem(CompiledFamily family, String reason, String message) {
      entries.add(new Entry.Problem(family, reason, message));
      sink.problem(family, reason, message);
    }
  }
}
