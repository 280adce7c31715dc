package io.kubestate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.kubestate.config.ConfigLoader;
import io.kubestate.config.ResourceConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What the RBAC of a kustomize build grants the exporter's workload, and what its presets need, by API group. */
final class RbacGrants {
  private RbacGrants() {}

  /** API group to the resources the presets watch. */
  static Map<String, Set<String>> watchedResources(List<String> presets) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (ResourceConfig r : ConfigLoader.load(presets, List.of()).resources()) {
      String plural = r.plural() != null ? r.plural() : Pluralize.toPlural(r.kind().toLowerCase(Locale.ROOT));
      out.computeIfAbsent(r.group(), g -> new TreeSet<>()).add(plural);
    }
    return out;
  }

  /** API group to resources, from the ClusterRoles bound cluster-wide to the workload's account. */
  static Map<String, Set<String>> clusterGrants(List<HasMetadata> objects) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (ClusterRoleBinding b : Manifests.of(objects, ClusterRoleBinding.class)) {
      if (bindsWorkload(objects, b.getSubjects())) {
        assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole");
        add(out, Manifests.named(objects, ClusterRole.class, b.getRoleRef().getName(), null).getRules());
      }
    }
    return out;
  }

  static Map<String, Set<String>> namespaceGrants(List<HasMetadata> objects, String namespace) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (RoleBinding b : Manifests.of(objects, RoleBinding.class)) {
      if (namespace.equals(b.getMetadata().getNamespace()) && bindsWorkload(objects, b.getSubjects())) {
        add(out, b.getRoleRef().getKind().equals("Role")
            ? Manifests.named(objects, Role.class, b.getRoleRef().getName(), namespace).getRules()
            : Manifests.named(objects, ClusterRole.class, b.getRoleRef().getName(), null).getRules());
      }
    }
    return out;
  }

  private static void add(Map<String, Set<String>> grants, List<PolicyRule> rules) {
    for (PolicyRule rule : rules) {
      for (String group : rule.getApiGroups()) {
        grants.computeIfAbsent(group, g -> new TreeSet<>()).addAll(rule.getResources());
      }
    }
  }

  static boolean bindsWorkload(List<HasMetadata> objects, List<Subject> subjects) {
    HasMetadata workload = Manifests.workload(objects);
    String account = Manifests.template(objects).getSpec().getServiceAccountName();
    return subjects.stream().anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(account)
        && workload.getMetadata().getNamespace().equals(s.getNamespace()));
  }
}
