package io.kubestate.config;

import java.util.List;

/**
 * Folds the samples of all objects into one series per distinct value of the {@code by}
 * attributes: the number of samples, or the sum of their values.
 */
public record Aggregation(Function function, List<String> by, Position position) {

  public Aggregation {
    by = List.copyOf(by);
  }

  public enum Function {
    COUNT,
    SUM
  }
}
