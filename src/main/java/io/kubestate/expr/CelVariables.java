package io.kubestate.expr;

import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelVariableResolver;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.Set;

/**
 * The variables of CEL expressions ({@code object}, {@code self}, {@code parent}, {@code key},
 * {@code now}), read from a {@link Scope}. One instance lives as long as its scope, so evaluating
 * an expression allocates no activation map.
 *
 * <p>Objects are plain maps from JSON or YAML, whose numbers may be {@code Integer} and whose
 * values may be Java null; CEL knows only {@code Long}, {@code Double} and its own null. Rather
 * than copying whole objects, maps and lists are wrapped in views that adapt each value when CEL
 * reads it, so an expression pays only for what it touches.
 */
final class CelVariables {
  private final Scope scope;
  private final Resolver current = new Resolver(false);
  private final Resolver atRoot = new Resolver(true);
  private final Slot root = new Slot();
  private final Slot self = new Slot();
  private final Slot parent = new Slot();
  private Instant nowRaw;
  private Optional<Object> now;
  private String keyRaw;
  private Optional<Object> key = Optional.of("");

  CelVariables(Scope scope) {
    this.scope = scope;
  }

  /**
   * @param rootOnly for resource-level attributes, which read the object whatever the family
   *     iterates over: {@code self} is then the object and there is no {@code parent} or {@code key}
   */
  CelVariableResolver resolver(boolean rootOnly) {
    return rootOnly ? atRoot : current;
  }

  private final class Resolver implements CelVariableResolver {
    private final boolean rootOnly;

    Resolver(boolean rootOnly) {
      this.rootOnly = rootOnly;
    }

    @Override
    public Optional<Object> find(String name) {
      return switch (name) {
        case "object" -> root.of(scope.root());
        case "self" -> rootOnly ? root.of(scope.root()) : self.of(scope.element(0));
        case "parent" -> rootOnly ? parent.of(null) : parent.of(scope.element(1));
        case "key" -> rootOnly ? Optional.of("") : key(scope.key(0));
        case "now" -> now(scope.now());
        default -> Optional.empty();
      };
    }
  }

  private Optional<Object> key(String raw) {
    if (raw != keyRaw) {
      keyRaw = raw;
      key = Optional.of(raw == null ? "" : raw);
    }
    return key;
  }

  private Optional<Object> now(Instant raw) {
    if (raw != nowRaw || now == null) {
      nowRaw = raw;
      now = Optional.of(raw);
    }
    return now;
  }

  /** The adapted form of the last value seen, reused while the scope stays on the same element. */
  private static final class Slot {
    private Object raw;
    private Optional<Object> adapted;

    Optional<Object> of(Object value) {
      if (adapted == null || value != raw) {
        raw = value;
        adapted = Optional.of(adapt(value));
      }
      return adapted;
    }
  }

  /** A value read from an object, in the form CEL's runtime expects. */
  static Object adapt(Object value) {
    if (value == null) {
      return NullValue.NULL_VALUE;
    }
    if (value instanceof String || value instanceof Long || value instanceof Double || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Map<?, ?> m) {
      return new MapView(m);
    }
    if (value instanceof List<?> l) {
      return new ListView(l);
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger b) {
      return b.bitLength() < 64 ? (Object) b.longValue() : (Object) b.doubleValue();
    }
    if (value instanceof Float || value instanceof BigDecimal || value instanceof Number) {
      return ((Number) value).doubleValue();
    }
    return value;
  }

  /** The plain object behind a view, so that a result hands back the object's own map or list. */
  static Object unwrap(Object value) {
    if (value instanceof MapView v) {
      return v.raw;
    }
    if (value instanceof ListView v) {
      return v.raw;
    }
    return value;
  }

  private static final class MapView extends AbstractMap<Object, Object> {
    final Map<?, ?> raw;

    MapView(Map<?, ?> raw) {
      this.raw = raw;
    }

    @Override
    public Object get(Object k) {
      Object v = raw.get(k);
      // A missing key must stay missing: CEL reports it, or has() answers false.
      if (v == null && !raw.containsKey(k)) {
        return null;
      }
      return adapt(v);
    }

    @Override
    public boolean containsKey(Object k) {
      return raw.containsKey(k);
    }

    @Override
    public int size() {
      return raw.size();
    }

    @Override
    @SuppressWarnings("unchecked")
    public Set<Object> keySet() {
      return (Set<Object>) raw.keySet();
    }

    @Override
    public Set<Entry<Object, Object>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Entry<Object, Object>> iterator() {
          Iterator<? extends Entry<?, ?>> it = raw.entrySet().iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Entry<Object, Object> next() {
              Entry<?, ?> e = it.next();
              return new SimpleImmutableEntry<>(e.getKey(), adapt(e.getValue()));
            }
          };
        }

        @Override
        public int size() {
          return raw.size();
        }
      };
    }
  }

  private static final class ListView extends AbstractList<Object> implements RandomAccess {
    final List<?> raw;

    ListView(List<?> raw) {
      this.raw = raw;
    }

    @Override
    public Object get(int index) {
      return adapt(raw.get(index));
    }

    @Override
    public int size() {
      return raw.size();
    }
  }
}
