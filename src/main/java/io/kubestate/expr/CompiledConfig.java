package io.kubestate.expr;

import io.kubestate.config.MetricsConfig;
import io.kubestate.config.ServedKind;
import io.kubestate.config.Wildcards;
import java.util.List;
import java.util.Set;

/**
 * A validated, compiled config: one {@link KindMetrics} per watch target. A config with wildcard
 * entries keeps them as written, to be resolved again whenever the served kinds change; its
 * {@link #kinds()} are those of the last resolution (none of the wildcards' before the first).
 *
 * @param otlpResourcePerObject whether the config asks for a Resource per object in the OTLP export
 * @param declared the config as written when it has wildcard entries, else null
 * @param wildcards how many kinds each wildcard entry matched at the last resolution
 */
public record CompiledConfig(List<KindMetrics> kinds, boolean otlpResourcePerObject, MetricsConfig declared,
    List<Wildcards.Match> wildcards) {

  public CompiledConfig {
    kinds = List.copyOf(kinds);
    wildcards = List.copyOf(wildcards);
  }

  public CompiledConfig(List<KindMetrics> kinds, boolean otlpResourcePerObject) {
    this(kinds, otlpResourcePerObject, null, List.of());
  }

  public int familyCount() {
    return kinds.stream().mapToInt(k -> k.families().size()).sum();
  }

  public boolean hasWildcards() {
    return declared != null;
  }

  /** The groups whose served kinds the wildcard entries stand for; empty without wildcards. */
  public Set<String> wildcardGroups() {
    return declared == null ? Set.of() : Wildcards.groups(declared);
  }

  /**
   * The config with its wildcard entries resolved to these served kinds; this config itself when
   * it has none.
   *
   * @throws io.kubestate.config.ConfigException when the resolved config does not compile
   */
  public CompiledConfig resolve(List<ServedKind> served) {
    return declared == null ? this : Compiler.resolve(declared, served);
  }
}
