package io.kubestate.expr;

import java.util.List;

/** A validated, compiled config: one {@link KindMetrics} per watch target. */
public record CompiledConfig(List<KindMetrics> kinds) {

  public CompiledConfig {
    kinds = List.copyOf(kinds);
  }

  public int familyCount() {
    return kinds.stream().mapToInt(k -> k.families().size()).sum();
  }
}
