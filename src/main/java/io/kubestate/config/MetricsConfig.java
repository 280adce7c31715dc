package io.kubestate.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything to watch and measure: the merge of presets and config files.
 *
 * @param includes presets a file asks to be loaded with it (resolved by {@link ConfigLoader})
 * @param otlp the shape of the OTLP export, or null where no file sets it
 */
public record MetricsConfig(List<ResourceConfig> resources, List<String> includes, OtlpOptions otlp) {

  public MetricsConfig {
    resources = List.copyOf(resources);
    includes = List.copyOf(includes);
  }

  public MetricsConfig(List<ResourceConfig> resources) {
    this(resources, List.of(), null);
  }

  /** One config of all parts; two parts that set the OTLP options differently are a problem. */
  public static MetricsConfig merge(List<MetricsConfig> parts, Problems problems) {
    List<ResourceConfig> all = new ArrayList<>();
    List<String> includes = new ArrayList<>();
    OtlpOptions otlp = null;
    for (MetricsConfig p : parts) {
      all.addAll(p.resources());
      p.includes().stream().filter(i -> !includes.contains(i)).forEach(includes::add);
      if (otlp == null) {
        otlp = p.otlp();
      } else if (p.otlp() != null && p.otlp().resourcePerObject() != otlp.resourcePerObject()) {
        problems.add(p.otlp().position(), "\"otlp.resourcePerObject\" is " + p.otlp().resourcePerObject()
            + " here but " + otlp.resourcePerObject() + " at " + otlp.position() + "; set it in one file");
      }
    }
    return new MetricsConfig(all, includes, otlp);
  }

  /** Whether a file asks for a Resource per object in the OTLP export; off unless one does. */
  public boolean otlpResourcePerObject() {
    return otlp != null && otlp.resourcePerObject();
  }

  public int familyCount() {
    return resources.stream().mapToInt(r -> r.families().size()).sum();
  }
}
