package io.kubestate.config;

import java.util.List;
import java.util.Map;

/**
 * A kube-state-metrics CustomResourceStateMetrics metric, kept in its own terms so that the engine
 * can evaluate it exactly as kube-state-metrics does (its iteration and label rules differ from the
 * native ones in ways existing dashboards depend on). Paths are kube-state-metrics path segments.
 *
 * @param baseLabels resource and metric {@code commonLabels} merged, with the
 *     {@code customresource_*} labels; they only fill labels the sample does not have
 * @param baseLabelsFromPath resource and metric {@code labelsFromPath}, read from the object root
 * @param labelsFromPath the {@code each} level's labels, read from the element
 * @param list the states of a StateSet
 */
public record KsmFamilySpec(
    FamilyType type,
    Map<String, String> baseLabels,
    Map<String, List<String>> baseLabelsFromPath,
    List<String> path,
    Map<String, List<String>> labelsFromPath,
    List<String> valueFrom,
    boolean nilIsZero,
    String labelFromKey,
    List<String> list,
    String labelName) {

  public KsmFamilySpec {
    baseLabels = Map.copyOf(baseLabels);
    baseLabelsFromPath = Map.copyOf(baseLabelsFromPath);
    path = List.copyOf(path);
    labelsFromPath = Map.copyOf(labelsFromPath);
    valueFrom = List.copyOf(valueFrom);
    list = List.copyOf(list);
  }
}
