package io.kubestate.cli;

import io.fabric8.kubernetes.client.Config;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Decides how to reach the cluster: an explicit kubeconfig, the KUBECONFIG files, the default
 * kubeconfig, or the in-cluster service account. Returns null when there is none at all, so that the
 * caller can say so instead of retrying against a default address that cannot exist.
 */
final class ClusterConnection {

  private ClusterConnection() {}

  static Config resolve(Path kubeconfig, String context, Map<String, String> env, Path home) {
    if (kubeconfig != null) {
      if (!Files.isRegularFile(kubeconfig)) {
        throw new IllegalArgumentException("--kubeconfig " + kubeconfig + ": no such file");
      }
      return Config.fromKubeconfig(context, kubeconfig.toFile());
    }
    String kubeconfigEnv = env.get("KUBECONFIG");
    boolean envFiles = kubeconfigEnv != null && Arrays.stream(kubeconfigEnv.split(File.pathSeparator))
        .anyMatch(p -> !p.isBlank() && Files.isRegularFile(Path.of(p)));
    boolean defaultFile = home != null && Files.isRegularFile(home.resolve(".kube").resolve("config"));
    boolean inCluster = env.get("KUBERNETES_SERVICE_HOST") != null;
    if (envFiles || defaultFile || inCluster) {
      return Config.autoConfigure(context);
    }
    return null;
  }

  static final String NO_CLUSTER = String.join("\n",
      "kube-state-otel: no Kubernetes cluster configured: no kubeconfig was found (KUBECONFIG, ~/.kube/config)"
          + " and this is not running in a pod.",
      "  Point it at a cluster with --kubeconfig FILE [--context NAME] or by setting KUBECONFIG,",
      "  or try it with the embedded demo cluster:  java -jar target/kube-state-otel.jar --demo");
}
