package io.kubestate.cli;

import io.fabric8.kubernetes.client.Config;
import io.kubestate.demo.DemoCluster;
import java.time.Duration;
import java.util.logging.Logger;

/** {@code --demo}: the embedded cluster, its simulator, and what a user needs to know to read its metrics. */
final class Demo {
  private static final Logger logger = Logger.getLogger(Demo.class.getName());

  private Demo() {}

  /** Starts the simulator and returns the configuration that reaches the cluster. */
  static Config start(DemoCluster cluster, boolean kubernetesAuth) {
    cluster.simulator().start(Duration.ofSeconds(3));
    logger.info("demo API server at " + cluster.masterUrl() + ", simulating Tekton, Kueue, Gateway API, Argo CD and Tanzu every 3 s");
    if (kubernetesAuth) {
      logger.info("demo: the metrics endpoint wants a bearer token. Allowed: " + cluster.readerToken()
          + " (curl -H 'Authorization: Bearer " + cluster.readerToken() + "' ...). Known but without permission "
          + "to get /metrics: " + cluster.unprivilegedToken() + ". Any other token is refused.");
    }
    return cluster.clientConfig();
  }
}
