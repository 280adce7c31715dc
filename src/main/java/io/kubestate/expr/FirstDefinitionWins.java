package io.kubestate.expr;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Passes on, for one object, the samples of several kube-state-metrics definitions of one name,
 * except those whose label set an earlier definition already gave. kube-state-metrics writes both
 * lines and Prometheus keeps the first of the duplicates; the OpenTelemetry SDK would instead keep
 * the last gauge value and add up the others, so the later ones are dropped here, and said.
 */
final class FirstDefinitionWins implements SampleSink {
  private final SampleSink next;
  private final Set<List<String>> earlier = new HashSet<>();
  private final Set<List<String>> current = new HashSet<>();

  FirstDefinitionWins(SampleSink next) {
    this.next = next;
  }

  @Override
  public void sample(CompiledFamily family, String[] attributeValues, String[] extra, double value) {
    List<String> labels = Arrays.asList(extra == null ? new String[0] : extra.clone());
    if (!earlier.contains(labels)) {
      current.add(labels);
      next.sample(family, attributeValues, extra, value);
    } else {
      next.problem(family, "duplicate_series", "two definitions of this name give the labels " + labels
          + "; the first one's value is kept, as Prometheus keeps the first of kube-state-metrics' duplicate lines");
    }
  }

  /** The samples that follow come from the next definition. */
  void nextDefinition() {
    earlier.addAll(current);
    current.clear();
  }

  @Override
  public void problem(CompiledFamily family, String reason, String message) {
    next.problem(family, reason, message);
  }
}
