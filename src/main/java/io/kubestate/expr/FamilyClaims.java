package io.kubestate.expr;

import io.kubestate.config.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who exports each metric name, so that configs written by different people cannot collide. The
 * exporter's own config owns its names outright. A name first defined by a config scoped to one
 * namespace may be defined again by a config of another namespace only with the same type, unit,
 * description and attributes: both then feed one metric whose series differ by namespace. In the
 * same namespace two configs would export the same series twice, so the later one is refused.
 */
public final class FamilyClaims {
  private record Claim(String owner, String namespace, CompiledFamily family, Set<String> keys) {}

  private final Map<String, Claim> claims = new HashMap<>();

  /** Claims every name of the exporter's own config. */
  public void claimAll(CompiledConfig config, String owner) {
    for (KindMetrics k : config.kinds()) {
      for (CompiledFamily f : k.families()) {
        claims.putIfAbsent(f.name(), new Claim(owner, null, f, keys(f, Set.of())));
      }
    }
  }

  /**
   * What keeps a scoped config from the names it uses; empty when it may have them.
   *
   * @param added attributes every sample of the config gets besides its own
   */
  public List<Problem> check(ScopedConfig config, String owner, Set<String> added) {
    List<Problem> problems = new ArrayList<>();
    for (KindMetrics k : config.config().kinds()) {
      for (CompiledFamily f : k.families()) {
        Claim c = claims.get(f.name());
        if (c == null || c.owner().equals(owner)) {
          continue;
        }
        String conflict = conflict(c, config.namespace(), f, keys(f, added));
        if (conflict != null) {
          problems.add(new Problem(f.position(), "family \"" + f.name() + "\" " + conflict));
        }
      }
    }
    return problems;
  }

  /** Claims the names of a scoped config that {@link #check} found free. */
  public void claim(ScopedConfig config, String owner, Set<String> added) {
    for (KindMetrics k : config.config().kinds()) {
      for (CompiledFamily f : k.families()) {
        claims.putIfAbsent(f.name(), new Claim(owner, config.namespace(), f, keys(f, added)));
      }
    }
  }

  private static String conflict(Claim c, String namespace, CompiledFamily f, Set<String> keys) {
    if (c.namespace() == null) {
      return "is exported by " + c.owner() + " for the whole cluster; choose another name";
    }
    if (c.namespace().equals(namespace)) {
      return "is already defined by " + c.owner() + " in this namespace, whose series it would repeat;"
          + " define it in one of them";
    }
    CompiledFamily first = c.family();
    List<String> differences = new ArrayList<>();
    if (first.type() != f.type() || first.additive() != f.additive()) {
      differences.add("type " + word(f) + " here, " + word(first) + " there");
    }
    if (!first.unit().equals(f.unit())) {
      differences.add("unit \"" + f.unit() + "\" here, \"" + first.unit() + "\" there");
    }
    if (!first.description().equals(f.description())) {
      differences.add("description \"" + f.description() + "\" here, \"" + first.description() + "\" there");
    }
    if (!c.keys().equals(keys)) {
      differences.add("attributes " + keys + " here, " + c.keys() + " there");
    }
    if (differences.isEmpty()) {
      return null;
    }
    return "is already defined by " + c.owner() + " differently (" + String.join("; ", differences)
        + "): a name shared between namespaces must have the same type, unit, description and attributes";
  }

  private static String word(CompiledFamily f) {
    return f.type().word() + (f.aggregate() == null ? "" : " (aggregated)");
  }

  private static Set<String> keys(CompiledFamily f, Set<String> added) {
    Set<String> keys = new TreeSet<>(f.attributeKeys());
    keys.addAll(added);
    return keys;
  }
}
