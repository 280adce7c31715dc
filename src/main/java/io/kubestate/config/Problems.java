package io.kubestate.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a load so that a user sees all of them at once, not only the first. */
public final class Problems {
  private final List<Problem> problems = new ArrayList<>();

  public void add(Position position, String message) {
    problems.add(new Problem(position, message));
  }

  public void addAll(List<Problem> more) {
    problems.addAll(more);
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  public List<Problem> list() {
    return List.copyOf(problems);
  }

  /** Throws when anything was collected. */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new ConfigException(list());
    }
  }
}
