package io.kubestate.source;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.KubernetesVersionPriority;
import io.kubestate.config.ServedKind;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kinds wildcard entries resolve to, each kind's versions in Kubernetes' version priority
 * (v1 before v1beta1 before v1alpha1), kinds in name order.
 */
final class ServedKinds {
  private record Kind(String plural, List<String> versions) {}

  private ServedKinds() {}

  /**
   * The kinds the definitions of these groups define, at the versions the API serves; a version
   * with {@code served: false} cannot be listed, and kube-state-metrics leaves it out too.
   */
  static List<ServedKind> ofDefinitions(Collection<CustomResourceDefinition> crds, Set<String> groups) {
    Map<List<String>, Kind> kinds = new TreeMap<>(ServedKinds::compare);
    for (CustomResourceDefinition crd : crds) {
      var spec = crd.getSpec();
      if (spec == null || spec.getNames() == null || spec.getVersions() == null || !groups.contains(spec.getGroup())) {
        continue;
      }
      Kind k = kinds.computeIfAbsent(List.of(spec.getGroup(), spec.getNames().getKind()),
          key -> new Kind(spec.getNames().getPlural(), new ArrayList<>()));
      for (CustomResourceDefinitionVersion v : spec.getVersions()) {
        if (!Boolean.FALSE.equals(v.getServed()) && v.getName() != null) {
          k.versions().add(v.getName());
        }
      }
    }
    return flatten(kinds);
  }

  /** The kinds of these groups that the objects are of, for {@code render}, where no definition is at hand. */
  static List<ServedKind> ofObjects(Collection<Map<String, Object>> objects, Set<String> groups) {
    Map<List<String>, Kind> kinds = new TreeMap<>(ServedKinds::compare);
    for (Map<String, Object> o : objects) {
      String apiVersion = String.valueOf(o.get("apiVersion"));
      int slash = apiVersion.indexOf('/');
      if (slash < 0 || !(o.get("kind") instanceof String kind) || !groups.contains(apiVersion.substring(0, slash))) {
        continue;
      }
      List<String> versions = kinds.computeIfAbsent(List.of(apiVersion.substring(0, slash), kind),
          key -> new Kind(null, new ArrayList<>())).versions();
      if (!versions.contains(apiVersion.substring(slash + 1))) {
        versions.add(apiVersion.substring(slash + 1));
      }
    }
    return flatten(kinds);
  }

  private static List<ServedKind> flatten(Map<List<String>, Kind> kinds) {
    List<ServedKind> out = new ArrayList<>();
    kinds.forEach((groupKind, k) -> {
      for (String v : KubernetesVersionPriority.sortByPriority(k.versions(), s -> s)) {
        out.add(new ServedKind(groupKind.get(0), v, groupKind.get(1), k.plural()));
      }
    });
    return out;
  }

  private static int compare(List<String> a, List<String> b) {
    int c = a.get(0).compareTo(b.get(0));
    return c != 0 ? c : a.get(1).compareTo(b.get(1));
  }
}
