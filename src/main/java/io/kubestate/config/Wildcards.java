package io.kubestate.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Puts in place of each wildcard entry ({@code version: "*"}, {@code kind: "*"}) one entry per
 * served kind it matches, with the entry's families. A kube-state-metrics entry becomes one entry
 * per served version of each kind, as kube-state-metrics' discovery resolves it (one store per
 * version, the {@code customresource_*} labels and the plural of the resolved kind). A native
 * entry becomes one entry per kind whose versions are the served ones in the order given, so that
 * each object is watched once, at the first of them the API serves.
 */
public final class Wildcards {

  /** How many entries one wildcard entry stood for at the last expansion. */
  public record Match(ResourceConfig entry, int kinds) {}

  /** The config with every wildcard resolved, and each wildcard entry's matches in config order. */
  public record Expansion(MetricsConfig config, List<Match> matches) {

    public Expansion {
      matches = List.copyOf(matches);
    }
  }

  private Wildcards() {}

  /** Whether any entry of the config is a wildcard. */
  public static boolean any(MetricsConfig config) {
    return config.resources().stream().anyMatch(ResourceConfig::wildcard);
  }

  /** The groups whose kinds the wildcard entries need. */
  public static Set<String> groups(MetricsConfig config) {
    Set<String> groups = new java.util.TreeSet<>();
    config.resources().stream().filter(ResourceConfig::wildcard).forEach(r -> groups.add(r.group()));
    return groups;
  }

  /**
   * @param served the kinds served, each version of a kind in order of preference (Kubernetes'
   *     version priority)
   */
  public static Expansion expand(MetricsConfig declared, List<ServedKind> served) {
    List<ResourceConfig> out = new ArrayList<>();
    List<Match> matches = new ArrayList<>();
    for (ResourceConfig r : declared.resources()) {
      if (!r.wildcard()) {
        out.add(r);
        continue;
      }
      List<ResourceConfig> instances = r.compat() ? perVersion(r, served) : perKind(r, served);
      matches.add(new Match(r, instances.size()));
      out.addAll(instances);
    }
    return new Expansion(new MetricsConfig(laterEntryWins(out), declared.includes(), declared.otlp()), matches);
  }

  private static List<ResourceConfig> perVersion(ResourceConfig r, List<ServedKind> served) {
    List<ResourceConfig> out = new ArrayList<>();
    for (ServedKind k : served) {
      if (r.matches(k)) {
        List<FamilyConfig> families = r.families().stream().map(f -> new FamilyConfig(f.name(), f.type(),
            f.description(), f.unit(), f.each(), f.attributes(), f.attributesFrom(), f.value(), f.states(),
            f.stateAttribute(), f.when(), f.aggregate(), f.compat().forKind(k), f.position())).toList();
        out.add(new ResourceConfig(r.group(), List.of(k.version()), k.kind(), k.plural(), r.labelSelector(),
            r.attributes(), r.attributesFrom(), families, r.position()));
      }
    }
    return out;
  }

  private static List<ResourceConfig> perKind(ResourceConfig r, List<ServedKind> served) {
    Map<String, List<String>> versions = new LinkedHashMap<>();
    Map<String, String> plurals = new LinkedHashMap<>();
    for (ServedKind k : served) {
      if (r.matches(k)) {
        versions.computeIfAbsent(k.kind(), x -> new ArrayList<>()).add(k.version());
        plurals.putIfAbsent(k.kind(), k.plural());
      }
    }
    List<ResourceConfig> out = new ArrayList<>();
    versions.forEach((kind, vs) -> out.add(new ResourceConfig(r.group(), vs, kind,
        r.plural() != null ? r.plural() : plurals.get(kind), r.labelSelector(), r.attributes(), r.attributesFrom(),
        r.families(), r.position())));
    return out;
  }

  /**
   * Within one kube-state-metrics file a later entry for the same group, version and kind replaces
   * an earlier one, wildcard or not, as kube-state-metrics' store registry does.
   */
  private static List<ResourceConfig> laterEntryWins(List<ResourceConfig> resources) {
    List<ResourceConfig> kept = new ArrayList<>();
    Set<String> later = new HashSet<>();
    for (int i = resources.size() - 1; i >= 0; i--) {
      ResourceConfig r = resources.get(i);
      if (!r.compat() || later.add(r.position().source() + " " + r.apiVersion(r.versions().get(0)) + " " + r.kind())) {
        kept.add(r);
      }
    }
    Collections.reverse(kept);
    return kept;
  }
}
