package io.kubestate.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubestate.demo.DemoCluster;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.ScopedConfig;
import io.kubestate.expr.WatchTarget;
import io.kubestate.server.HealthServer;
import io.kubestate.server.MetricsSecurity;
import io.kubestate.server.SelfTelemetry;
import io.kubestate.source.ApiRequests;
import io.kubestate.source.ConfigResource;
import io.kubestate.source.ConfigResources;
import io.kubestate.source.InformerSource;
import io.kubestate.source.KindState;
import io.kubestate.source.Sharding;
import io.kubestate.source.WatchSettings;
import io.kubestate.telemetry.StateMetrics;
import io.kubestate.telemetry.Telemetry;
import io.kubestate.telemetry.TelemetrySettings;
import io.opentelemetry.api.metrics.Meter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Watch the cluster and serve metrics (the default command).")
final class RunCommand implements Callable<Integer> {
  static final int DEFAULT_CARDINALITY_LIMIT = 200_000;
  /** The presets of the dashboards under deploy/dashboards, whose kinds the demo cluster serves. */
  static final List<String> DEMO_PRESETS = List.of("tekton", "kueue", "gateway-api", "argocd", "tap");
  private static final Logger logger = Logger.getLogger(RunCommand.class.getName());

  @Spec CommandSpec spec;

  @Mixin ConfigOptions config = new ConfigOptions();

  @Mixin MetricsEndpointOptions endpoint = new MetricsEndpointOptions();

  @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig file (default: KUBECONFIG, "
      + "~/.kube/config, or the pod's service account).")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context (default: the current one).")
  String context;

  @Option(names = "--namespaces", paramLabel = "NS", split = ",",
      description = "Namespaces to watch, comma-separated (default: all). One watch per namespace: needs only "
          + "namespaced RBAC.")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--telemetry-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
      description = "Address of the health endpoints (default: ${DEFAULT-VALUE}).")
  String telemetryHost;

  @Option(names = "--telemetry-port", paramLabel = "PORT", defaultValue = "8081",
      description = "Port of /healthz and /readyz (default: ${DEFAULT-VALUE}).")
  int telemetryPort;

  @Option(names = "--cardinality-limit", paramLabel = "N", defaultValue = "" + DEFAULT_CARDINALITY_LIMIT,
      description = "Series per instrument and reader before the SDK folds the excess into an overflow series, "
          + "which is logged (default: ${DEFAULT-VALUE}).")
  int cardinalityLimit;

  @Option(names = "--max-attribute-length", paramLabel = "N",
      defaultValue = "" + StateMetrics.DEFAULT_MAX_ATTRIBUTE_LENGTH,
      description = "Attribute values longer than this are cut, and counted (default: ${DEFAULT-VALUE}).")
  int maxAttributeLength;

  @Option(names = "--reload-period", paramLabel = "DURATION", defaultValue = "PT2S",
      description = "How often config files are checked for changes, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration reloadPeriod;

  @Option(names = "--watch-retry-max", paramLabel = "DURATION", defaultValue = "PT30S",
      description = "Longest wait between retries of a failed list or watch, which start at 1 s and double, "
          + "ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration watchRetryMax;

  @Option(names = "--watch-grace", paramLabel = "DURATION", defaultValue = "PT5S",
      description = "How long a kind still counts as up (resource_up 1) after its watch ended, while the next one "
          + "opens, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration watchGrace;

  @Option(names = "--streaming-lists", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Read each kind's list as a streaming watch (sendInitialEvents) where the API server serves one, "
          + "else in pages; --no-streaming-lists always pages (default: ${DEFAULT-VALUE}).")
  boolean streamingLists;

  @Option(names = "--cluster-name", paramLabel = "NAME", defaultValue = "${env:K8S_CLUSTER_NAME}",
      description = "Sets the k8s.cluster.name resource attribute.")
  String clusterName;

  @Option(names = "--shard", paramLabel = "I",
      description = "Keep only shard I of the objects, 0 to --total-shards minus 1, split by a hash of their UID as "
          + "kube-state-metrics splits them. Needs --total-shards.")
  Integer shard;

  @Option(names = "--total-shards", paramLabel = "N",
      description = "The number of shards, one per replica (default: 1, no split). Every replica still lists and "
          + "watches all objects. Required with --shard and with --auto-shard.")
  Integer totalShards;

  @Option(names = "--auto-shard",
      description = "Take the shard from the ordinal of this StatefulSet pod, the number ending POD_NAME (pod kso-2 is "
          + "shard 2). Requires --total-shards, equal to the StatefulSet's replicas: they are not read from the API.")
  boolean autoShard;

  @Option(names = "--otlp-resource-per-object", arity = "0..1", paramLabel = "BOOL",
      description = "Push each object's state metrics over OTLP under a Resource of its own (k8s.namespace.name, "
          + "k8s.<kind>.name, k8s.<kind>.uid), taken off its points; counts stay on the exporter's Resource. The "
          + "Prometheus endpoint is unchanged. Wins over otlp.resourcePerObject in the config (default: off).")
  Boolean resourcePerObject;

  @Option(names = "--watch-config-resources",
      description = "Also measure what MetricsConfig resources (kubestate.io/v1alpha1) say, each on the objects of its "
          + "own namespace only, and write their status. Needs the CRD and RBAC of the tenant-configs overlay.")
  boolean watchConfigResources;

  @Option(names = "--tenant-series-limit", paramLabel = "N", defaultValue = "10000",
      description = "Series one MetricsConfig resource may export; the excess is dropped, counted and reported in "
          + "its status (default: ${DEFAULT-VALUE}).")
  int tenantSeriesLimit;

  @Option(names = "--tenant-family-limit", paramLabel = "N", defaultValue = "50",
      description = "Families one MetricsConfig resource may define; one with more is refused (default: "
          + "${DEFAULT-VALUE}).")
  int tenantFamilyLimit;

  @Option(names = "--demo", description = "Run against an embedded demo API server seeded with Tekton, Kueue, "
      + "Gateway API, Argo CD and Tanzu objects that change every few seconds (presets tekton, kueue, gateway-api, "
      + "argocd and tap unless others are given).")
  boolean demo;

  @Option(names = "--demo-kubeconfig", paramLabel = "FILE", description = "With --demo: where to write the kubeconfig "
      + "of the demo API server, a new file removed at exit (default: one in a new temporary directory).")
  Path demoKubeconfig;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private volatile OwnConfig own;
  private volatile TenantConfigs tenants;

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    Sharding sharding;
    try {
      sharding = sharding(System.getenv("POD_NAME"));
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return ValidateCommand.INVALID;
    }
    if (endpoint.problem() != null) {
      err.println(endpoint.problem());
      err.flush();
      return ValidateCommand.INVALID;
    }
    if (config.isEmpty() && !demo && !watchConfigResources) {
      err.println("nothing to watch: give --preset NAME (see `presets`) or --config FILE, or --watch-config-resources,"
          + " or try --demo");
      err.flush();
      return ValidateCommand.INVALID;
    }
    CompiledConfig compiled = config.compile(err, demo ? DEMO_PRESETS : List.of());
    if (compiled == null) {
      return ValidateCommand.INVALID;
    }
    Config clientConfig;
    if (demoKubeconfig != null && !demo) {
      throw new IllegalArgumentException("--demo-kubeconfig needs --demo");
    }
    if (demo) {
      DemoCluster cluster = DemoCluster.start();
      resources.push(cluster);
      try {
        clientConfig = Demo.start(cluster, demoKubeconfig, endpoint.kubernetesAuth(), resources::push);
      } catch (IllegalArgumentException e) {
        shutdown();
        throw e;
      }
    } else {
      clientConfig = ClusterConnection.resolve(kubeconfig, context, System.getenv(),
          Path.of(System.getProperty("user.home")));
      if (clientConfig == null) {
        err.println(ClusterConnection.NO_CLUSTER);
        err.flush();
        return 1;
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "shutdown"));
    onSigterm();
    try {
      start(compiled, clientConfig, sharding);
    } catch (MetricsEndpointOptions.UnusableFiles e) {
      shutdown();
      err.println(e.getMessage());
      err.flush();
      return ValidateCommand.INVALID;
    } catch (RuntimeException e) {
      shutdown();
      throw e;
    }
    stopped.await();
    return 0;
  }

  /** The shard the options ask for, {@code podName} standing for POD_NAME. */
  Sharding sharding(String podName) {
    return Sharding.fromOptions(shard, totalShards, autoShard, podName);
  }

  private void start(CompiledConfig compiled, Config clientConfig, Sharding sharding) {
    // The watches retry on their own with backoff and say why; the client's own retries of a
    // failed request (ten, up to about 100 s in all) would only delay that message.
    clientConfig.setRequestRetryBackoffLimit(2);
    ApiRequests requests = new ApiRequests();
    KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig)
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(ApiRequests.NAME, requests))
        .build();
    resources.push(client);
    MetricsSecurity security = endpoint.start(client, reloadPeriod);
    resources.push(security);
    Telemetry telemetry = Telemetry.start(new TelemetrySettings(endpoint.host(demo, System.getenv()), endpoint.port,
        cardinalityLimit, clusterName, Version.current(), instanceId(), Map.of(), security.access()));
    resources.push(telemetry);
    applyResourcePerObject(telemetry, compiled);
    SelfTelemetry self = SelfTelemetry.register(telemetry.meter(SelfTelemetry.SCOPE, Version.current()), requests,
        Version.current());
    security.report(self);
    SelfTelemetry.registerSharding(telemetry.meter(SelfTelemetry.SCOPE, Version.current()), sharding);
    if (sharding.split()) {
      logger.info(sharding + (autoShard ? ", the ordinal of pod " + System.getenv("POD_NAME") : "")
          + ": exporting the objects whose UID hashes to it; like every shard, listing and watching all objects");
    }
    WatchSettings pace = WatchSettings.DEFAULT;
    InformerSource source = InformerSource.start(client, compiled, namespaces, sharding, new WatchSettings(
        watchRetryMax.compareTo(pace.firstRetry()) < 0 ? watchRetryMax : pace.firstRetry(), watchRetryMax, watchGrace,
        pace.watchTimeout(), pace.listPage(), streamingLists, pace.firstEventWait()));
    resources.push(source);
    self.source(() -> source);
    Meter stateMeter = telemetry.meter(StateMetrics.SCOPE, Version.current());
    own = new OwnConfig(source, compiled, next -> StateMetrics.register(stateMeter, next, source, Clock.systemUTC(),
        telemetry.cardinalityLimit(), maxAttributeLength, self.stats()), next -> {
          applyResourcePerObject(telemetry, next);
          if (tenants != null) {
            tenants.ownConfigChanged();
          }
        });
    resources.push(own);
    self.wildcards(own::wildcards);
    if (watchConfigResources) {
      watchConfigResources(client, source, stateMeter, telemetry.cardinalityLimit(), self);
    }
    ConfigReloader reloader = new ConfigReloader(config.presets, config.configs, next -> {
      own.reload(next);
      self.reload().succeeded();
    }, problems -> self.reload().failed());
    reloader.start(reloadPeriod);
    resources.push(reloader);
    Readiness readiness = new Readiness(source, own::current);
    FirstCollection first = FirstCollection.start(telemetry, readiness::synced, readiness::objects);
    resources.push(first);
    HealthServer health = HealthServer.start(telemetryHost, telemetryPort, () -> readiness.report(first));
    resources.push(health);
    logger.info(String.format("kube-state-otel %s: %d kind(s), %d families; metrics on %s://%s:%d/metrics (%s), "
            + "health on :%d/healthz and /readyz%s", Version.current(), compiled.kinds().size(),
        compiled.familyCount(), security.access().scheme(), telemetry.prometheusHost(), telemetry.prometheusPort(),
        security.describe(), health.port(),
        telemetry.pushExporters().isEmpty() ? "" : "; pushing with " + telemetry.pushExporters()));
  }

  /** Sets the OTLP export's shape: the command line's choice if it makes one, else the config's. */
  private void applyResourcePerObject(Telemetry telemetry, CompiledConfig compiled) {
    boolean on = resourcePerObject != null ? resourcePerObject : compiled.otlpResourcePerObject();
    if (on != telemetry.resourcePerObject() && !telemetry.pushExporters().isEmpty()) {
      logger.info(on ? "OTLP: each object's state metrics under a Resource of its own"
          : "OTLP: all state metrics under the exporter's Resource");
    } else if (on && !telemetry.resourcePerObject()) {
      logger.warning("a Resource per object shapes the OTLP export, but no push exporter is configured "
          + "(OTEL_METRICS_EXPORTER): the Prometheus endpoint is the same either way");
    }
    telemetry.resourcePerObject(on);
  }

  /**
   * Measures the MetricsConfig resources next to the exporter's own config: each on the shared
   * caches, seen through its namespace, with its own instruments and limits.
   */
  private void watchConfigResources(KubernetesClient client, InformerSource source, Meter stateMeter,
      int cardinalityLimit, SelfTelemetry self) {
    ConfigResources watch = new ConfigResources(client);
    TenantConfigs configs = new TenantConfigs(new TenantConfigs.Host() {
      @Override
      public CompiledConfig own() {
        return own.current();
      }

      @Override
      public void watch(List<ScopedConfig> accepted) {
        own.tenants(accepted);
      }

      @Override
      public StateMetrics register(ScopedConfig scoped, StateMetrics.Scope scope) {
        return StateMetrics.register(stateMeter, scoped.config(), source.inNamespace(scoped.namespace()),
            Clock.systemUTC(), cardinalityLimit, maxAttributeLength, self.stats(), scope);
      }

      @Override
      public Boolean namespaced(WatchTarget target) {
        return source.namespaced(target);
      }

      @Override
      public boolean notServed(WatchTarget target) {
        return source.states().get(target.unselected()) == KindState.NOT_SERVED;
      }

      @Override
      public boolean writeStatus(ConfigResource resource, Map<String, Object> status) {
        return watch.writeStatus(resource, status);
      }
    }, new TenantConfigs.Limits(tenantFamilyLimit, tenantSeriesLimit), self.stats(), Clock.systemUTC());
    tenants = configs;
    resources.push(configs);
    watch.start(namespaces, configs);
    resources.push(watch);
    configs.start(reloadPeriod);
    logger.info("watching MetricsConfig resources" + (namespaces.isEmpty() ? "" : " in namespaces " + namespaces)
        + "; each measures its own namespace, at most " + tenantFamilyLimit + " families and " + tenantSeriesLimit
        + " series");
  }

  /** SIGTERM is how Kubernetes stops a pod: stop cleanly (a last OTLP export included) and exit 0. */
  private void onSigterm() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
        shutdown();
        System.exit(0);
      });
    } catch (IllegalArgumentException e) {
      logger.fine("SIGTERM cannot be handled here; the shutdown hook still stops cleanly");
    }
  }

  private static String instanceId() {
    String pod = System.getenv("POD_NAME");
    if (pod != null && !pod.isBlank()) {
      return pod;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return UUID.randomUUID().toString();
    }
  }

  /** Closes in reverse order of start: health first, then metrics, informers, the final export, the client. */
  private synchronized void shutdown() {
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        logger.log(Level.WARNING, "error while stopping " + r.getClass().getSimpleName(), e);
      }
    }
    stopped.countDown();
  }
}
