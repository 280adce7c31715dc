package io.kubestate.expr;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of an object the families of one kind can read, computed from their compiled paths: a
 * cache that keeps only that part holds a fraction of each object, and every family evaluates to
 * what it would on the whole object. Keys of a map are kept in their order; lists keep every
 * element (indexes, negative indexes and selections still find the same element), each element
 * cut to what is read from it. A family whose reads cannot be known from its paths (a CEL
 * expression or condition, a kube-state-metrics compatibility family) makes the projection keep
 * whole objects.
 *
 * <p>Projected maps and lists are compact and read-only.
 */
public final class Projection {
  private static final Projection ALL = new Projection(null);

  /** Null when everything is kept. */
  private final Node root;

  private Projection(Node root) {
    this.root = root;
  }

  /** What the families of {@code kind} read. */
  public static Projection of(KindMetrics kind) {
    return of(List.of(kind));
  }

  /**
   * What the families of all these kinds read together (several configs measuring one kind); none
   * keeps nothing of an object.
   */
  public static Projection of(Collection<KindMetrics> kinds) {
    return of(kinds, List.of());
  }

  /** What the families of all these kinds read, and these paths (from the object) whole. */
  public static Projection of(Collection<KindMetrics> kinds, Collection<String> alsoRead) {
    Builder b = new Builder();
    for (String path : alsoRead) {
      b.family();
      b.read(Path.parse(path));
    }
    for (KindMetrics kind : kinds) {
      for (CompiledFamily f : kind.families()) {
        f.project(b);
        if (b.root.all) {
          return ALL;
        }
      }
    }
    b.root.seal();
    return new Projection(b.root);
  }

  /** The projection that keeps objects whole. */
  public static Projection whole() {
    return ALL;
  }

  /** Whether this projection keeps objects whole. */
  public boolean keepsAll() {
    return root == null;
  }

  /** Whether everything {@code other} keeps of any object, this keeps too. */
  public boolean covers(Projection other) {
    return root == null || other.root != null && root.covers(other.root);
  }

  /** The projected copy of {@code object}, or {@code object} itself when everything is kept. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> apply(Map<String, Object> object) {
    if (root == null) {
      return object;
    }
    return (Map<String, Object>) root.apply(object);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Projection p && toString().equals(p.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** What is kept, keys in sorted order: {@code {metadata: {name: *}, status: {conditions: {[]: {...}}}}}. */
  @Override
  public String toString() {
    return root == null ? "*" : root.toString();
  }

  /** What is read below one value. */
  static final class Node {
    /** The whole value is read. */
    boolean all;
    /** The keys read from a map, each with what is read below it. */
    Map<String, Node> keys = new LinkedHashMap<>();
    /** What is read from every element of a list (by index, selection or iteration). */
    Node elements;
    /** What is read from every value of a map that is iterated over. */
    Node values;

    Node key(String name) {
      return keys.computeIfAbsent(name, k -> new Node());
    }

    Node elements() {
      if (elements == null) {
        elements = new Node();
      }
      return elements;
    }

    /** The node of an iterated level: the elements of a list, or the values of a map, alike. */
    Node iterated() {
      if (elements == null) {
        elements = values == null ? new Node() : values;
      }
      values = elements;
      return elements;
    }

    /** Folds what is read from every map value into each named key, so that applying is one lookup. */
    void seal() {
      if (all) {
        keys = Map.of();
        elements = null;
        values = null;
        return;
      }
      if (values != null) {
        for (Map.Entry<String, Node> e : keys.entrySet()) {
          e.setValue(merge(e.getValue(), values));
        }
      }
      for (Node n : keys.values()) {
        n.seal();
      }
      if (elements != null && elements != values) {
        elements.seal();
      }
      if (values != null) {
        values.seal();
      }
    }

    private static Node merge(Node a, Node b) {
      Node m = new Node();
      m.all = a.all || b.all;
      a.keys.forEach((k, n) -> m.keys.put(k, n));
      b.keys.forEach((k, n) -> m.keys.merge(k, n, Node::merge));
      m.elements = a.elements == null ? b.elements : b.elements == null ? a.elements : merge(a.elements, b.elements);
      m.values = a.values == null ? b.values : b.values == null ? a.values : merge(a.values, b.values);
      return m;
    }

    /** Read-only: both nodes are sealed and may be in use by other threads. */
    boolean covers(Node other) {
      if (all) {
        return true;
      }
      if (other.all) {
        return false;
      }
      for (Map.Entry<String, Node> e : other.keys.entrySet()) {
        Node mine = keys.getOrDefault(e.getKey(), values);
        if (mine == null || !mine.covers(e.getValue())) {
          return false;
        }
      }
      if (other.elements != null && (elements == null || !elements.covers(other.elements))) {
        return false;
      }
      return other.values == null || values != null && values.covers(other.values);
    }

    Object apply(Object v) {
      if (all) {
        return compact(v);
      }
      if (v instanceof Map<?, ?> map) {
        Object[] kv = new Object[2 * Math.min(map.size(), values != null ? map.size() : keys.size())];
        int n = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          Node child = keys.get(String.valueOf(e.getKey()));
          if (child == null) {
            child = values;
          }
          if (child != null) {
            kv[n++] = e.getKey();
            kv[n++] = child.apply(e.getValue());
          }
        }
        return CompactForms.map(n == kv.length ? kv : Arrays.copyOf(kv, n));
      }
      if (v instanceof List<?> list) {
        // Read by a key only, a list yields null whatever it holds; it stays, empty, for presence.
        if (elements == null) {
          return List.of();
        }
        Object[] out = new Object[list.size()];
        int i = 0;
        for (Object item : list) {
          out[i++] = elements.apply(item);
        }
        return CompactForms.list(out);
      }
      return v instanceof String s ? StringPool.canonical(s) : v;
    }

    private static Object compact(Object v) {
      if (v instanceof Map<?, ?> map) {
        Object[] kv = new Object[2 * map.size()];
        int n = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
          kv[n++] = e.getKey();
          kv[n++] = compact(e.getValue());
        }
        return CompactForms.map(kv);
      }
      if (v instanceof List<?> list) {
        Object[] out = new Object[list.size()];
        int i = 0;
        for (Object item : list) {
          out[i++] = compact(item);
        }
        return CompactForms.list(out);
      }
      return v instanceof String s ? StringPool.canonical(s) : v;
    }

    @Override
    public String toString() {
      if (all) {
        return "*";
      }
      StringBuilder sb = new StringBuilder("{");
      new java.util.TreeMap<>(keys).forEach((k, n) -> sb.append(sb.length() > 1 ? ", " : "").append(k).append(": ").append(n));
      if (elements != null) {
        sb.append(sb.length() > 1 ? ", " : "").append("[]: ").append(elements);
      }
      if (values != null && values != elements) {
        sb.append(sb.length() > 1 ? ", " : "").append("*: ").append(values);
      }
      return sb.append('}').toString();
    }
  }

  /** Collects the reads of compiled families; the iteration levels of the family being added are a stack. */
  static final class Builder {
    final Node root = new Node();
    private Node[] levels = new Node[8];
    private int depth;

    /** Starts a family: level 0 is the object. */
    void family() {
      levels[0] = root;
      depth = 1;
    }

    /** Keeps every object whole. */
    void everything() {
      root.all = true;
    }

    /** An iteration level over what {@code path} yields at the current level. */
    void iterate(Path path) {
      Node at = walk(path);
      Node level = at == null ? new Node() : at.iterated();
      if (depth == levels.length) {
        levels = Arrays.copyOf(levels, depth * 2);
      }
      levels[depth++] = level;
    }

    /** A value read whole, from the level its path is anchored at. */
    void read(Path path) {
      Node at = walk(path);
      if (at != null) {
        at.all = true;
      }
    }

    void read(Expression e) {
      if (e == null || e instanceof Expression.Constant) {
        return;
      }
      if (e instanceof Expression.PathExpression p) {
        read(p.path());
      } else if (e instanceof Expression.FirstOf f) {
        for (Expression o : f.options()) {
          read(o);
        }
      } else if (e instanceof Expression.Elapsed d) {
        read(d.from());
        read(d.to());
      } else if (e instanceof Expression.Modified m) {
        read(m.base());
      } else {
        everything();
      }
    }

    /** The node a path ends at, or null when it reads a map key ({@code @key}) rather than a value. */
    private Node walk(Path path) {
      if (path.anchor() == Path.Anchor.KEY) {
        return null;
      }
      Node at = path.anchor() == Path.Anchor.ROOT ? root : levels[Math.max(0, depth - 1 - path.up())];
      for (Path.Step step : path.steps()) {
        if (step instanceof Path.Key k) {
          at = at.key(k.name());
        } else if (step instanceof Path.Index) {
          at = at.elements();
        } else {
          Path.Select s = (Path.Select) step;
          at = at.elements();
          at.key(s.field()).all = true;
        }
      }
      return at;
    }
  }
}
