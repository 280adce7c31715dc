package io.kubestate.cli;

import io.fabric8.kubernetes.client.Config;
import io.kubestate.demo.DemoCluster;
import io.kubestate.demo.DemoKubeconfig;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.logging.Logger;

/** {@code --demo}: the embedded cluster, its simulator, and what a user needs to know to read its metrics. */
final class Demo {
  private static final Logger logger = Logger.getLogger(Demo.class.getName());

  private Demo() {}

  /**
   * Writes the cluster's kubeconfig to {@code kubeconfigFile} (null: a temporary file), handing it to
   * {@code toClose}, starts the simulator and returns the configuration that reaches the cluster.
   *
   * @throws IllegalArgumentException when the kubeconfig cannot be written
   */
  static Config start(DemoCluster cluster, Path kubeconfigFile, boolean kubernetesAuth,
      Consumer<AutoCloseable> toClose) {
    DemoKubeconfig kubeconfig;
    try {
      kubeconfig = DemoKubeconfig.write(cluster, kubeconfigFile);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write the demo's kubeconfig: " + (e instanceof
          FileAlreadyExistsException ? kubeconfigFile + " exists; give a new file, it is removed at exit" : e), e);
    }
    toClose.accept(kubeconfig);
    cluster.simulator().start(Duration.ofSeconds(3));
    logger.info("demo API server at " + cluster.masterUrl() + ", simulating Tekton, Kueue, Gateway API, Argo CD and"
        + " Tanzu every 3 s");
    logger.info("demo: try it with kubectl: KUBECONFIG=" + kubeconfig.path() + " kubectl get pipelineruns -A"
        + " (the file is removed at exit)");
    if (kubernetesAuth) {
      logger.info("demo: the metrics endpoint wants a bearer token. Allowed: " + cluster.readerToken()
          + " (curl -H 'Authorization: Bearer " + cluster.readerToken() + "' ...). Known but without permission "
          + "to get /metrics: " + cluster.unprivilegedToken() + ". Any other token is refused.");
    }
    return cluster.clientConfig();
  }
}
