package io.kubestate.expr;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled field path. Syntax:
 *
 * <ul>
 *   <li>{@code status.startTime}: keys, relative to the current element (the object when not iterating)
 *   <li>{@code $.metadata.name}: from the object root; {@code ^.name}, {@code ^^.name}: from an enclosing iteration level
 *   <li>{@code metadata.labels["tekton.dev/pipeline"]}: a key with dots or slashes
 *   <li>{@code spec.items[0]}, {@code [-1]}: a list index, negative from the end
 *   <li>{@code status.conditions[type=Ready]}: the first list element whose field equals the value
 *   <li>{@code @} the current element itself; {@code @key} the map key it was found under
 * </ul>
 *
 * A missing key, an index out of range or a key applied to a list yields null, never an error.
 */
public final class Path {
  private final String text;
  private final Anchor anchor;
  private final int up;
  private final Step[] steps;

  enum Anchor {
    CURRENT,
    ROOT,
    KEY
  }

  sealed interface Step {}

  record Key(String name) implements Step {}

  record Index(int index) implements Step {}

  record Select(String field, String value) implements Step {}

  Path(String text, Anchor anchor, int up, List<Step> steps) {
    this.text = text;
    this.anchor = anchor;
    this.up = up;
    this.steps = steps.toArray(new Step[0]);
  }

  public static Path parse(String text) {
    return PathParser.parse(text);
  }

  public Object get(Scope scope) {
    if (anchor == Anchor.KEY) {
      return scope.key(up);
    }
    Object cur = anchor == Anchor.ROOT ? scope.root() : scope.element(up);
    for (Step step : steps) {
      if (cur == null) {
        return null;
      }
      cur = apply(step, cur);
    }
    return cur;
  }

  private static Object apply(Step step, Object cur) {
    if (step instanceof Key k) {
      return cur instanceof Map<?, ?> m ? m.get(k.name()) : null;
    }
    if (!(cur instanceof List<?> list)) {
      return null;
    }
    if (step instanceof Index i) {
      int idx = i.index() < 0 ? list.size() + i.index() : i.index();
      return idx >= 0 && idx < list.size() ? list.get(idx) : null;
    }
    Select s = (Select) step;
    for (Object item : list) {
      if (item instanceof Map<?, ?> m && Values.matches(m.get(s.field()), s.value())) {
        return item;
      }
    }
    return null;
  }

  /** The top-level keys this path reads from the object root, or null when it reads above an iteration. */
  public List<String> rootSteps() {
    List<String> out = new ArrayList<>();
    for (Step s : steps) {
      if (s instanceof Key k) {
        out.add(k.name());
      } else {
        break;
      }
    }
    return out;
  }

  boolean isRelative() {
    return anchor == Anchor.CURRENT;
  }

  int up() {
    return up;
  }

  Anchor anchor() {
    return anchor;
  }

  /** The steps after the anchor; not to be changed. */
  Step[] steps() {
    return steps;
  }

  @Override
  public String toString() {
    return text;
  }
}
