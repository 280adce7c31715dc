package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * An in-process Kubernetes API (fabric8's mock server in CRUD mode) serving the kinds of the presets
 * that have a dashboard (Tekton, Kueue, Gateway API and Kuadrant, Argo CD, the Tanzu set), seeded
 * with a few objects of each ({@link DemoSeed}) and driven by a {@link DemoSimulator}.
 *
 * <p>The mock does not convert between versions: Workloads are stored at {@code
 * kueue.x-k8s.io/v1beta2}, the preferred version; {@code v1beta1} is discoverable but lists nothing.
 */
public final class DemoCluster implements AutoCloseable {

  /** Held so that its level sticks: java.util.logging forgets levels of unreferenced loggers. */
  private static final Logger mockServerLogger = Logger.getLogger("io.fabric8.mockwebserver");

  private final MockWebServer server;
  private final DemoDispatcher store;
  private final Clock clock;
  private final KubernetesClient client;
  private final DemoSimulator simulator;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DemoCluster(MockWebServer server, DemoDispatcher store, long seed, Clock clock) {
    this.server = server;
    this.store = store;
    this.clock = clock;
    this.client = new KubernetesClientBuilder().withConfig(clientConfig()).build();
    // The mock server keeps every request it receives, for tests; a long demo would keep them all.
    this.simulator = new DemoSimulator(client, seed, clock, server::reset);
  }

  /** Starts a cluster on a free localhost port, with a randomly seeded simulator on the system clock. */
  public static DemoCluster start() {
    return start(ThreadLocalRandom.current().nextLong(), Clock.systemUTC());
  }

  /** Starts a cluster with seed objects dated from {@code clock} and a simulator seeded {@code seed}. */
  public static DemoCluster start(long seed, Clock clock) {
    mockServerLogger.setLevel(Level.WARNING);
    List<CustomResourceDefinition> definitions = DemoKinds.definitions();
    DemoDispatcher store = new DemoDispatcher(clock);
    MockWebServer server = new MockWebServer();
    server.setDispatcher(store);
    server.start(InetAddress.getLoopbackAddress(), 0);
    DemoCluster cluster = new DemoCluster(server, store, seed, clock);
    try {
      cluster.install(definitions);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  public String masterUrl() {
    return server.url("/").toString();
  }

  /** A client configuration for this cluster that ignores any kubeconfig or in-cluster account. */
  public Config clientConfig() {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(masterUrl())
        .withTrustCerts(true)
        .withHttp2Disable(true)
        .withRequestRetryBackoffLimit(1)
        .build();
  }

  /** A bearer token the cluster authenticates, of an account allowed to get the non-resource URL /metrics. */
  public String readerToken() {
    return store.reviews().readerToken();
  }

  /** A bearer token the cluster authenticates, of an account without that permission. */
  public String unprivilegedToken() {
    return store.reviews().unprivilegedToken();
  }

  /** The simulator driving this cluster; it does nothing until started or ticked. */
  public DemoSimulator simulator() {
    return simulator;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      simulator.close();
      client.close();
      server.shutdown();
    }
  }

  private void install(List<CustomResourceDefinition> definitions) {
    for (CustomResourceDefinition definition : definitions) {
      client.apiextensions().v1().customResourceDefinitions().resource(definition).create();
    }
    List<GenericKubernetesResource> seed = DemoSeed.objects(clock.instant());
    Stream.concat(DemoPipeline.NAMESPACES.stream(), seed.stream().map(object -> object.getMetadata().getNamespace()))
        .filter(Objects::nonNull)
        .distinct()
        .forEach(namespace -> client.namespaces().resource(new NamespaceBuilder()
            .withNewMetadata().withName(namespace).endMetadata()
            .withNewStatus().withPhase("Active").endStatus()
            .build()).create());
    seed.forEach(object -> store.put(DemoKinds.of(object), object));
  }
}
