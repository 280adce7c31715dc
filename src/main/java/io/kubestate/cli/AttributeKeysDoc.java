package io.kubestate.cli;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The part of docs/metrics.md that says which {@code k8s.*} attribute keys of the presets are
 * OpenTelemetry semantic conventions and which only follow their pattern.
 */
final class AttributeKeysDoc {
  static final String ANCHOR = "attribute-keys";
  /**
   * The object identity keys of the semantic conventions (v1.44.0): stable for the cluster, node,
   * namespace, pod, container and workload controllers, in development for the rest.
   */
  private static final Set<String> CONVENTIONS = Set.of("k8s.cluster.name", "k8s.cluster.uid", "k8s.node.name",
      "k8s.node.uid", "k8s.namespace.name", "k8s.pod.name", "k8s.pod.uid", "k8s.container.name",
      "k8s.replicaset.name", "k8s.replicaset.uid", "k8s.deployment.name", "k8s.deployment.uid",
      "k8s.statefulset.name", "k8s.statefulset.uid", "k8s.daemonset.name", "k8s.daemonset.uid", "k8s.job.name",
      "k8s.job.uid", "k8s.cronjob.name", "k8s.cronjob.uid", "k8s.replicationcontroller.name",
      "k8s.replicationcontroller.uid", "k8s.resourcequota.name", "k8s.resourcequota.uid", "k8s.hpa.name",
      "k8s.hpa.uid", "k8s.service.name", "k8s.service.uid", "k8s.persistentvolume.name", "k8s.persistentvolume.uid",
      "k8s.persistentvolumeclaim.name", "k8s.persistentvolumeclaim.uid", "k8s.storageclass.name");
  private static final Pattern KIND_PATTERN = Pattern.compile("k8s\\.[a-z0-9]+\\.(name|uid)");

  private AttributeKeysDoc() {}

  /** {@code keys}: every attribute key of every family of the presets. */
  static void render(StringBuilder sb, Set<String> keys) {
    Set<String> conventions = new TreeSet<>();
    Set<String> pattern = new TreeSet<>();
    for (String key : keys) {
      if (CONVENTIONS.contains(key)) {
        conventions.add(key);
      } else if (KIND_PATTERN.matcher(key).matches()) {
        pattern.add(key);
      }
    }
    sb.append("\n## Attribute keys\n\n")
        .append("Of the presets' `k8s.*` keys, these are OpenTelemetry semantic conventions (v1.44.0): ")
        .append(list(conventions)).append(". `k8s.cluster.name` (from `--cluster-name`) is one too, on the\n")
        .append("Resource. The semantic conventions name no custom resource kinds; for them the presets follow their\n")
        .append("`k8s.<kind>.name` and `k8s.<kind>.uid` pattern, with the kind in lower case: ").append(list(pattern))
        .append(".\nOther keys (`component`, `reason`, `status`, ...) are the presets' own, or kube-state-metrics' labels.\n");
  }

  private static String list(Set<String> keys) {
    return String.join(", ", keys.stream().map(k -> "`" + k + "`").toList());
  }
}
