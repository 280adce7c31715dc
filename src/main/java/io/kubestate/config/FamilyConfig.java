package io.kubestate.config;

import java.util.List;

/**
 * One metric family of a kind.
 *
 * @param name OpenTelemetry metric name (dots); the Prometheus endpoint shows it with underscores
 * @param attributesFrom maps whose entries become attributes, read at the innermost iteration level
 * @param each paths iterated one inside the other; empty means one sample group per object
 * @param value the number (gauge) or the current state (stateset); null for info
 * @param states the closed set of states of a stateset
 * @param stateAttribute the attribute that names the state in a stateset
 * @param when conditions every sample must meet
 * @param aggregate folds samples across objects, or null
 * @param compat a kube-state-metrics metric evaluated by its own rules, or null for a native family
 */
public record FamilyConfig(
    String name,
    FamilyType type,
    String description,
    String unit,
    List<ExprConfig.Path> each,
    List<AttributeConfig> attributes,
    List<AttributeSpread> attributesFrom,
    ExprConfig value,
    List<String> states,
    String stateAttribute,
    List<Condition> when,
    Aggregation aggregate,
    KsmFamilySpec compat,
    Position position) {

  public FamilyConfig {
    each = List.copyOf(each);
    attributes = List.copyOf(attributes);
    attributesFrom = List.copyOf(attributesFrom);
    states = List.copyOf(states);
    when = List.copyOf(when);
  }
}
