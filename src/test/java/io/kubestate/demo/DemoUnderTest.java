package io.kubestate.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A demo cluster started for each test, seeded and with its clock fixed, and a client of it. */
final class DemoUnderTest implements BeforeEachCallback, AfterEachCallback {
  private final long seed;
  private final Instant now;
  private DemoCluster cluster;
  private KubernetesClient client;

  DemoUnderTest(long seed, Instant now) {
    this.seed = seed;
    this.now = now;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    cluster = DemoCluster.start(seed, Clock.fixed(now, ZoneOffset.UTC));
    client = new KubernetesClientBuilder().withConfig(cluster.clientConfig()).build();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    client.close();
    cluster.close();
  }

  DemoCluster cluster() {
    return cluster;
  }

  KubernetesClient client() {
    return client;
  }
}
