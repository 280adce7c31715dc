package io.kubestate.expr;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.RandomAccess;
import java.util.Set;

/**
 * The read-only maps and lists a projected object is made of: each as small as its content
 * allows, since the cache holds one per map and list of every object it keeps.
 */
final class CompactForms {
  private CompactForms() {}

  /**
   * The smallest map for these keys and values: a map of one entry (a spec that only names a
   * pipeline, a label read) takes 24 bytes as the JDK's, against 48 with an array of its own; a
   * PipelineRun holds three.
   */
  static Map<String, Object> map(Object[] kv) {
    if (kv.length == 0) {
      return Map.of();
    }
    if (kv.length == 2 && kv[1] != null) {
      return Map.of((String) kv[0], kv[1]);
    }
    return new CompactMap(kv);
  }

  /** As {@link #map}, for lists: most hold one condition or none. */
  static List<Object> list(Object[] items) {
    if (items.length == 0) {
      return List.of();
    }
    if (items.length == 1 && items[0] != null) {
      return List.of(items[0]);
    }
    return new CompactList(items);
  }

  /** A read-only map over one array of keys and values, in their original order. */
  static final class CompactMap extends AbstractMap<String, Object> {
    private final Object[] kv;

    CompactMap(Object[] kv) {
      this.kv = kv;
    }

    @Override
    public Object get(Object key) {
      for (int i = 0; i < kv.length; i += 2) {
        if (kv[i] == key) {
          return kv[i + 1];
        }
      }
      for (int i = 0; i < kv.length; i += 2) {
        if (kv[i].equals(key)) {
          return kv[i + 1];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(Object key) {
      for (int i = 0; i < kv.length; i += 2) {
        if (kv[i].equals(key)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public int size() {
      return kv.length / 2;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
          return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
              return i < kv.length;
            }

            @Override
            public Entry<String, Object> next() {
              if (i >= kv.length) {
                throw new NoSuchElementException();
              }
              Entry<String, Object> e = new SimpleImmutableEntry<>((String) kv[i], kv[i + 1]);
              i += 2;
              return e;
            }
          };
        }

        @Override
        public int size() {
          return kv.length / 2;
        }
      };
    }
  }

  /** A read-only list over one array. */
  static final class CompactList extends AbstractList<Object> implements RandomAccess {
    private final Object[] items;

    CompactList(Object[] items) {
      this.items = items;
    }

    @Override
    public Object get(int index) {
      return items[index];
    }

    @Override
    public int size() {
      return items.length;
    }
  }
}
