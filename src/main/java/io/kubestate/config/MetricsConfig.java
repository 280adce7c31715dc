package io.kubestate.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything to watch and measure: the merge of presets and config files.
 *
 * @param includes presets a file asks to be loaded with it (resolved by {@link ConfigLoader})
 */
public record MetricsConfig(List<ResourceConfig> resources, List<String> includes) {

  public MetricsConfig {
    resources = List.copyOf(resources);
    includes = List.copyOf(includes);
  }

  public MetricsConfig(List<ResourceConfig> resources) {
    this(resources, List.of());
  }

  public static MetricsConfig merge(List<MetricsConfig> parts) {
    List<ResourceConfig> all = new ArrayList<>();
    List<String> includes = new ArrayList<>();
    parts.forEach(p -> {
      all.addAll(p.resources());
      p.includes().stream().filter(i -> !includes.contains(i)).forEach(includes::add);
    });
    return new MetricsConfig(all, includes);
  }

  public int familyCount() {
    return resources.stream().mapToInt(r -> r.families().size()).sum();
  }
}
