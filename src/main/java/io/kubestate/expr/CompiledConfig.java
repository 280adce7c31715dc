package io.kubestate.expr;

import java.util.List;

/**
 * A validated, compiled config: one {@link KindMetrics} per watch target.
 *
 * @param otlpResourcePerObject whether the config asks for a Resource per object in the OTLP export
 */
public record CompiledConfig(List<KindMetrics> kinds, boolean otlpResourcePerObject) {

  public CompiledConfig {
    kinds = List.copyOf(kinds);
  }

  public int familyCount() {
    return kinds.stream().mapToInt(k -> k.families().size()).sum();
  }
}
