package io.kubestate.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a load so that a user sees all of them at once, not only the first,
 * each once, in the order they were written in.
 */
public final class Problems {
  private final List<Problem> problems = new ArrayList<>();

  public void add(Position position, String message) {
    record(new Problem(position, message));
  }

  public void warn(Position position, String message) {
    record(new Problem(position, message, true));
  }

  /** The same problem found twice (a resource's attribute checked for each family) is said once. */
  private void record(Problem p) {
    if (!problems.contains(p)) {
      problems.add(p);
    }
  }

  public void addAll(List<Problem> more) {
    more.forEach(this::record);
  }

  /** True when there is neither an error nor a warning. */
  public boolean isEmpty() {
    return problems.isEmpty();
  }

  public boolean hasErrors() {
    return problems.stream().anyMatch(p -> !p.warning());
  }

  /** Every problem, sorted by position (source, line, column). */
  public List<Problem> list() {
    return problems.stream().sorted(Problem.BY_POSITION).toList();
  }

  public List<Problem> warnings() {
    return list().stream().filter(Problem::warning).toList();
  }

  /** Throws when an error was collected; warnings alone do not stop a load. */
  public void throwIfAny() {
    if (hasErrors()) {
      throw new ConfigException(list().stream().filter(p -> !p.warning()).toList());
    }
  }
}
