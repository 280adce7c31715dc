package io.kubestate.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * @param kindLabels the {@code customresource_*} labels of {@code baseLabels} that tell the
 *     resource's group, version and kind (those the metric's own {@code commonLabels} left alone)
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
    String labelName,
    Set<String> kindLabels) {

  static final String GROUP_LABEL = "customresource_group";
  static final String VERSION_LABEL = "customresource_version";
  static final String KIND_LABEL = "customresource_kind";

  public KsmFamilySpec {
    baseLabels = Map.copyOf(baseLabels);
    baseLabelsFromPath = Map.copyOf(baseLabelsFromPath);
    path = List.copyOf(path);
    labelsFromPath = Map.copyOf(labelsFromPath);
    valueFrom = List.copyOf(valueFrom);
    list = List.copyOf(list);
    kindLabels = Set.copyOf(kindLabels);
  }

  /** The same metric for one served kind: the {@code customresource_*} labels tell that kind. */
  KsmFamilySpec forKind(ServedKind k) {
    Map<String, String> labels = new HashMap<>(baseLabels);
    for (String label : kindLabels) {
      labels.put(label, switch (label) {
        case GROUP_LABEL -> k.group();
        case VERSION_LABEL -> k.version();
        default -> k.kind();
      });
    }
    return new KsmFamilySpec(type, labels, baseLabelsFromPath, path, labelsFromPath, valueFrom, nilIsZero,
        labelFromKey, list, labelName, kindLabels);
  }
}
