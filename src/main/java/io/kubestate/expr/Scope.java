package io.kubestate.expr;

import java.time.Instant;
import java.util.Arrays;

/**
 * Where an expression is evaluated: the object, the elements of the iterations that enclose the
 * current sample (innermost last), the map keys they came from, and the evaluation clock.
 */
public final class Scope {
  private Object[] elements = new Object[4];
  private String[] keys = new String[4];
  private int depth;
  private Instant now = Instant.EPOCH;
  private String noteReason;
  private String noteMessage;
  private CelVariables celVariables;
  private boolean clockRead;

  /** Starts a new object; the scope is reused across objects to avoid allocation. */
  public Scope reset(Object root, Instant now) {
    Arrays.fill(elements, 0, depth, null);
    elements[0] = root;
    keys[0] = null;
    depth = 1;
    this.now = now;
    return this;
  }

  void push(Object element, String key) {
    if (depth == elements.length) {
      elements = Arrays.copyOf(elements, depth * 2);
      keys = Arrays.copyOf(keys, depth * 2);
    }
    elements[depth] = element;
    keys[depth] = key;
    depth++;
  }

  void pop() {
    depth--;
    elements[depth] = null;
  }

  Object root() {
    return elements[0];
  }

  /** The element {@code up} levels out from the innermost one, or null when there is no such level. */
  Object element(int up) {
    int i = depth - 1 - up;
    return i < 0 ? null : elements[i];
  }

  String key(int up) {
    int i = depth - 1 - up;
    return i < 0 ? null : keys[i];
  }

  /** Something unexpected that still gave a value: reported with the sample, not instead of it. */
  void note(String reason, String message) {
    noteReason = reason;
    noteMessage = message;
  }

  /** The pending note as {reason, message}, or null; taking it clears it. */
  String[] takeNote() {
    if (noteReason == null) {
      return null;
    }
    String[] out = {noteReason, noteMessage};
    noteReason = null;
    noteMessage = null;
    return out;
  }

  public Instant now() {
    clockRead = true;
    return now;
  }

  /** Whether anything read the clock since the last call: such results cannot be reused later. */
  boolean takeClockRead() {
    boolean read = clockRead;
    clockRead = false;
    return read;
  }

  /** Created on first use, so that configs without CEL expressions do not pay for it. */
  CelVariables celVariables() {
    if (celVariables == null) {
      celVariables = new CelVariables(this);
    }
    return celVariables;
  }
}
