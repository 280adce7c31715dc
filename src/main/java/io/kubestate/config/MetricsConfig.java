package io.kubestate.config;

import java.util.ArrayList;
import java.util.List;

/** Everything to watch and measure: the merge of presets and config files. */
public record MetricsConfig(List<ResourceConfig> resources) {

  public MetricsConfig {
    resources = List.copyOf(resources);
  }

  public static MetricsConfig merge(List<MetricsConfig> parts) {
    List<ResourceConfig> all = new ArrayList<>();
    parts.forEach(p -> all.addAll(p.resources()));
    return new MetricsConfig(all);
  }

  public int familyCount() {
    return resources.stream().mapToInt(r -> r.families().size()).sum();
  }
}
