package io.kubestate.deploy;

import static io.kubestate.deploy.ContainerArgs.envAsKubernetesExpandsIt;
import static io.kubestate.deploy.ContainerArgs.expandedArgs;
import static io.kubestate.deploy.ContainerArgs.flag;
import static io.kubestate.deploy.ContainerArgs.metricsAuth;
import static io.kubestate.deploy.ContainerArgs.parseArgs;
import static io.kubestate.deploy.Manifests.container;
import static io.kubestate.deploy.Manifests.containerPort;
import static io.kubestate.deploy.Manifests.kinds;
import static io.kubestate.deploy.Manifests.named;
import static io.kubestate.deploy.Manifests.of;
import static io.kubestate.deploy.Manifests.one;
import static io.kubestate.deploy.Manifests.resolve;
import static io.kubestate.deploy.Manifests.template;
import static io.kubestate.deploy.Manifests.workload;
import static io.kubestate.deploy.RbacGrants.bindsWorkload;
import static io.kubestate.deploy.RbacGrants.clusterGrants;
import static io.kubestate.deploy.RbacGrants.namespaceGrants;
import static io.kubestate.deploy.RbacGrants.watchedResources;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubestate.config.Presets;
import io.kubestate.e2e.ExternalTools;
import io.kubestate.source.ConfigResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine.ParseResult;

/**
 * Builds every install under deploy/ with {@code kubectl kustomize}, as {@code kubectl apply -k}
 * would, and checks the objects against the program: its flags and their defaults, the presets
 * and the kinds they watch.
 */
class KustomizeTest {
  private static final Path DEPLOY = Path.of("deploy");
  private static final Set<String> READ_VERBS = Set.of("get", "list", "watch");
  /** The exporter writes a MetricsConfig's status with a patch of its status subresource. */
  private static final Set<String> STATUS_VERBS = Set.of("get", "update", "patch");
  private static final String CRD_GROUP = "apiextensions.k8s.io";
  private static final String CRDS = "customresourcedefinitions";
  /** The flags that make a replica one shard of several: only the sharded overlay may carry them. */
  private static final Set<String> SHARDING_FLAGS = Set.of("--auto-shard", "--total-shards");
  /** What --metrics-auth=kubernetes creates, API group to resource; it stores nothing. */
  static final Map<String, String> REVIEWS = Map.of("authentication.k8s.io", "tokenreviews",
      "authorization.k8s.io", "subjectaccessreviews");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Map<String, List<HasMetadata>> BUILDS = new LinkedHashMap<>();

  @BeforeAll
  static void build() throws IOException {
    Path kubectl = ExternalTools.require("kubectl", "kubernetes-client");
    List<Path> dirs = new ArrayList<>(List.of(DEPLOY.resolve("base")));
    try (Stream<Path> overlays = Files.list(DEPLOY.resolve("overlays"))) {
      overlays.filter(Files::isDirectory).sorted().forEach(dirs::add);
    }
    for (Path dir : dirs) {
      ExternalTools.Result r = ExternalTools.run(List.of(kubectl.toString(), "kustomize", dir.toString()), null,
          Duration.ofSeconds(60));
      assertThat(r.exitCode()).as("kubectl kustomize %s: %s", dir, r.stderr()).isZero();
      BUILDS.put(DEPLOY.relativize(dir).toString(), parse(r.stdout()));
    }
  }

  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (!doc.isBlank()) {
        Object o = SERIALIZATION.unmarshal(doc);
        assertThat(o).as("a document kubectl apply would reject:%n%s", doc).isInstanceOf(HasMetadata.class);
        out.add((HasMetadata) o);
      }
    }
    return out;
  }

  @Test
  void everyOverlayIsBuilt() {
    assertThat(BUILDS).containsKeys("base", "overlays/namespaced", "overlays/sharded", "overlays/otlp",
        "overlays/prometheus-operator", "overlays/tenant-configs", "overlays/secure-metrics");
  }

  @TestFactory
  Stream<DynamicTest> everyInstallIsConsistentWithTheProgram() {
    return BUILDS.entrySet().stream().flatMap(e -> Stream.of(
        DynamicTest.dynamicTest(e.getKey() + ": RBAC is read-only but for config resources' status",
            () -> rbacIsReadOnly(e.getValue())),
        DynamicTest.dynamicTest(e.getKey() + ": arguments name existing presets and options",
            () -> arguments(e.getKey(), e.getValue())),
        DynamicTest.dynamicTest(e.getKey() + ": RBAC grants exactly the presets' kinds",
            () -> rbacMatchesPresets(e.getValue())),
        DynamicTest.dynamicTest(e.getKey() + ": probes and ports match the program's defaults",
            () -> probesAndPorts(e.getValue())),
        DynamicTest.dynamicTest(e.getKey() + ": locked-down container", () -> securityAndResources(e.getValue()))));
  }

  @Test
  void baseInstallsTheExporterClusterWide() {
    assertThat(kinds(BUILDS.get("base"))).containsExactlyInAnyOrder("Namespace", "ServiceAccount", "ClusterRole",
        "ClusterRoleBinding", "ConfigMap", "Service", "Deployment");
    assertThat(one(BUILDS.get("base"), Deployment.class).getSpec().getReplicas()).isEqualTo(1);
  }

  @Test
  void namespacedOverlayHoldsNoClusterWideAccessToTheWatchedKinds() {
    List<HasMetadata> objects = BUILDS.get("overlays/namespaced");
    assertThat(kinds(objects)).contains("Role", "RoleBinding");
    List<String> namespaces = parseArgs(objects).matchedOptionValue("--namespaces", List.<String>of());
    assertThat(namespaces).isNotEmpty();
    assertThat(of(objects, Role.class)).extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrderElementsOf(namespaces);
  }

  @Test
  void tenantConfigsOverlayInstallsTheCrdTheProgramWatches() {
    List<HasMetadata> objects = BUILDS.get("overlays/tenant-configs");
    assertThat(parseArgs(objects).hasMatchedOption("--watch-config-resources")).isTrue();
    CustomResourceDefinition crd = one(objects, CustomResourceDefinition.class);
    assertThat(crd.getSpec().getGroup()).isEqualTo(ConfigResources.GROUP);
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo(ConfigResources.KIND);
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo(ConfigResources.PLURAL);
    assertThat(crd.getMetadata().getName()).isEqualTo(ConfigResources.PLURAL + "." + ConfigResources.GROUP);
    assertThat(crd.getSpec().getVersions()).singleElement().satisfies(v -> {
      assertThat(v.getName()).isEqualTo(ConfigResources.VERSION);
      assertThat(v.getServed()).isTrue();
      assertThat(v.getSubresources().getStatus()).as("status subresource").isNotNull();
      assertThat(v.getSchema().getOpenAPIV3Schema().getProperties().get("spec").getXKubernetesPreserveUnknownFields())
          .as("spec keeps the config language whole").isTrue();
    });
    ClusterRole editor = named(objects, ClusterRole.class, "kube-state-otel-metricsconfig-editor", null);
    assertThat(editor.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true");
    assertThat(editor.getRules()).allSatisfy(r -> assertThat(r.getResources())
        .containsExactly(ConfigResources.PLURAL));
  }

  @Test
  void shardedOverlayRunsTheBaseContainerInAStatefulSetWithOneShardPerReplica() {
    List<HasMetadata> objects = BUILDS.get("overlays/sharded");
    assertThat(kinds(objects)).contains("StatefulSet").doesNotContain("Deployment");
    StatefulSet set = one(objects, StatefulSet.class);
    Service service = one(objects, Service.class);
    assertThat(set.getSpec().getServiceName()).isEqualTo(service.getMetadata().getName());

    List<String> args = expandedArgs(objects);
    assertThat(args).contains("--auto-shard");
    assertThat(args).filteredOn(a -> a.startsWith("--total-shards="))
        .containsExactly("--total-shards=" + set.getSpec().getReplicas());
    assertThat(container(set.getSpec().getTemplate()).getEnv())
        .anySatisfy(env -> {
          assertThat(env.getName()).isEqualTo("POD_NAME");
          assertThat(env.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });

    // The StatefulSet repeats the base Deployment's pod: it may differ only by the sharding flags.
    PodTemplateSpec base = one(BUILDS.get("base"), Deployment.class).getSpec().getTemplate();
    PodTemplateSpec sharded = set.getSpec().getTemplate();
    Container shardedContainer = container(sharded);
    Container withoutSharding = new ContainerBuilder(shardedContainer)
        .withArgs(shardedContainer.getArgs().stream().filter(a -> !SHARDING_FLAGS.contains(flag(a))).toList())
        .build();
    assertThat(withoutSharding).isEqualTo(container(base));
    assertThat(new PodSpecBuilder(sharded.getSpec()).withContainers(List.of()).build())
        .isEqualTo(new PodSpecBuilder(base.getSpec()).withContainers(List.of()).build());
    assertThat(sharded.getMetadata()).isEqualTo(base.getMetadata());
  }

  @Test
  void otlpOverlayPushesAndKeepsThePrometheusEndpoint() {
    Map<String, String> env = envAsKubernetesExpandsIt(BUILDS.get("overlays/otlp"));
    assertThat(env.get("OTEL_METRICS_EXPORTER").split(",")).contains("otlp", "prometheus");
    assertThat(env.get("OTEL_EXPORTER_OTLP_ENDPOINT")).startsWith("http");
    assertThat(env.get("OTEL_RESOURCE_ATTRIBUTES"))
        .as("every $(VAR) is defined before it").doesNotContain("$(")
        .contains("k8s.pod.name=fieldRef(metadata.name)")
        .as("the data points' k8s.namespace.name is the watched object's").doesNotContain("k8s.namespace.name");
  }

  @Test
  void prometheusOperatorOverlayScrapesTheMetricsPortKeepingTheObjectsLabels() throws IOException {
    List<HasMetadata> objects = BUILDS.get("overlays/prometheus-operator");
    PodTemplateSpec pod = template(objects);
    int metricsPort = containerPort(container(pod), "metrics");
    Service service = one(objects, Service.class);

    GenericKubernetesResource serviceMonitor = of(objects, GenericKubernetesResource.class).stream()
        .filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
    monitorIsPickedUpByKubePrometheusStack(serviceMonitor);
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(matchLabels(serviceMonitor));
    List<Map<String, Object>> endpoints = serviceMonitor.get("spec", "endpoints");
    assertThat(endpoints).isNotEmpty().allSatisfy(endpoint -> {
      assertThat(endpoint).containsEntry("honorLabels", true).containsEntry("path", "/metrics");
      ServicePort port = service.getSpec().getPorts().stream()
          .filter(p -> p.getName().equals(endpoint.get("port"))).findFirst().orElseThrow();
      assertThat(resolve(port.getTargetPort(), container(pod))).isEqualTo(metricsPort);
    });

    // The PodMonitor is the alternative to the ServiceMonitor, never applied with it.
    GenericKubernetesResource podMonitor = SERIALIZATION.unmarshal(
        Files.readString(DEPLOY.resolve("overlays/prometheus-operator/pod-monitor.yaml")),
        GenericKubernetesResource.class);
    assertThat(podMonitor.getKind()).isEqualTo("PodMonitor");
    monitorIsPickedUpByKubePrometheusStack(podMonitor);
    assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(matchLabels(podMonitor));
    List<Map<String, Object>> podEndpoints = podMonitor.get("spec", "podMetricsEndpoints");
    assertThat(podEndpoints).isNotEmpty().allSatisfy(endpoint -> {
      assertThat(endpoint).containsEntry("honorLabels", true).containsEntry("path", "/metrics");
      assertThat(containerPort(container(pod), (String) endpoint.get("port"))).isEqualTo(metricsPort);
    });
  }

  private static void monitorIsPickedUpByKubePrometheusStack(GenericKubernetesResource monitor) {
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getMetadata().getLabels()).containsKey("release");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> matchLabels(GenericKubernetesResource monitor) {
    Map<String, String> labels = monitor.get("spec", "selector", "matchLabels");
    assertThat(labels).isNotEmpty();
    return labels;
  }

  // ---- checks run on every install

  /**
   * What the workload holds: reading, writing the status of MetricsConfigs when it watches them,
   * and creating reviews when it checks the readers of its metrics.
   */
  private static void rbacIsReadOnly(List<HasMetadata> objects) {
    boolean configResources = parseArgs(objects).hasMatchedOption("--watch-config-resources");
    boolean reviews = metricsAuth(objects);
    List<PolicyRule> rules = new ArrayList<>();
    for (ClusterRoleBinding b : of(objects, ClusterRoleBinding.class)) {
      if (bindsWorkload(objects, b.getSubjects())) {
        rules.addAll(named(objects, ClusterRole.class, b.getRoleRef().getName(), null).getRules());
      }
    }
    of(objects, Role.class).forEach(r -> rules.addAll(r.getRules()));
    assertThat(rules).isNotEmpty().allSatisfy(rule -> {
      boolean status = configResources && rule.getApiGroups().equals(List.of(ConfigResources.GROUP))
          && rule.getResources().equals(List.of(ConfigResources.PLURAL + "/status"));
      boolean review = reviews && rule.getApiGroups().size() == 1 && rule.getResources().size() == 1
          && rule.getResources().get(0).equals(REVIEWS.get(rule.getApiGroups().get(0)));
      assertThat(rule.getVerbs()).isNotEmpty()
          .isSubsetOf(review ? Set.of("create") : status ? STATUS_VERBS : READ_VERBS);
      assertThat(rule.getApiGroups()).doesNotContain("*");
      assertThat(rule.getResources()).isNotEmpty().doesNotContain("*");
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
    });
  }

  private static void arguments(String install, List<HasMetadata> objects) {
    ParseResult parsed = parseArgs(objects);
    List<String> unknown = parsed.unmatched().stream().map(ContainerArgs::flag).toList();
    assertThat(unknown).as("options `run` does not know").isEmpty();
    if (!install.equals("overlays/sharded")) {
      assertThat(parsed.matchedOptions().stream().flatMap(o -> java.util.Arrays.stream(o.names())))
          .as("sharding flags outside the sharded overlay").doesNotContainAnyElementsOf(SHARDING_FLAGS);
    }
    List<String> presets = parsed.matchedOptionValue("--preset", List.<String>of());
    assertThat(presets).isNotEmpty();
    assertThat(presets).isSubsetOf(Presets.list().stream().map(Presets.Preset::name).toList());
  }

  private static void rbacMatchesPresets(List<HasMetadata> objects) {
    ParseResult parsed = parseArgs(objects);
    Map<String, Set<String>> watched = watchedResources(parsed.matchedOptionValue("--preset", List.<String>of()));
    List<String> namespaces = parsed.matchedOptionValue("--namespaces", List.<String>of());
    Map<String, Set<String>> cluster = clusterGrants(objects);
    assertThat(cluster.get(CRD_GROUP)).as("CustomResourceDefinitions").containsExactly(CRDS);
    if (parsed.hasMatchedOption("--watch-config-resources")) {
      assertThat(cluster.remove(ConfigResources.GROUP)).as("MetricsConfig resources")
          .containsExactlyInAnyOrder(ConfigResources.PLURAL, ConfigResources.PLURAL + "/status");
    }
    if (metricsAuth(objects)) {
      REVIEWS.forEach((group, resource) -> assertThat(cluster.remove(group)).as(resource).containsExactly(resource));
    }
    if (namespaces.isEmpty()) {
      Map<String, Set<String>> expected = new TreeMap<>(watched);
      expected.put(CRD_GROUP, Set.of(CRDS));
      assertThat(cluster).isEqualTo(expected);
      assertThat(of(objects, Role.class)).isEmpty();
    } else {
      assertThat(cluster.keySet()).as("cluster-wide grants").containsOnly(CRD_GROUP);
      for (String namespace : namespaces) {
        assertThat(namespaceGrants(objects, namespace)).as("grants in namespace %s", namespace).isEqualTo(watched);
      }
    }
  }

  private static void probesAndPorts(List<HasMetadata> objects) {
    int metricsPort = RunFlags.defaultOf("--metrics-port");
    int telemetryPort = RunFlags.defaultOf("--telemetry-port");
    assertThat(metricsPort).isEqualTo(9464);
    assertThat(telemetryPort).isEqualTo(8081);
    assertThat(expandedArgs(objects)).noneMatch(a -> a.startsWith("--metrics-port") || a.startsWith("--telemetry-port"));

    PodTemplateSpec pod = template(objects);
    Container c = container(pod);
    assertThat(containerPort(c, "metrics")).isEqualTo(metricsPort);
    assertThat(containerPort(c, "telemetry")).isEqualTo(telemetryPort);
    probe(c.getLivenessProbe(), c, "/healthz", telemetryPort);
    probe(c.getReadinessProbe(), c, "/readyz", telemetryPort);
    if (c.getStartupProbe() != null) {
      probe(c.getStartupProbe(), c, "/healthz", telemetryPort);
    }

    Service service = one(objects, Service.class);
    assertThat(pod.getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(service.getSpec().getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("metrics");
      assertThat(resolve(p.getTargetPort(), c)).isEqualTo(metricsPort);
    });
  }

  private static void probe(Probe probe, Container c, String path, int port) {
    assertThat(probe).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(resolve(probe.getHttpGet().getPort(), c)).isEqualTo(port);
  }

  private static void securityAndResources(List<HasMetadata> objects) {
    PodTemplateSpec pod = template(objects);
    PodSecurityContext podContext = Objects.requireNonNullElseGet(pod.getSpec().getSecurityContext(),
        PodSecurityContext::new);
    Container c = container(pod);
    SecurityContext sc = c.getSecurityContext();
    assertThat(sc).isNotNull();
    assertThat(Boolean.TRUE.equals(sc.getRunAsNonRoot()) || Boolean.TRUE.equals(podContext.getRunAsNonRoot()))
        .as("runAsNonRoot").isTrue();
    String seccomp = sc.getSeccompProfile() != null ? sc.getSeccompProfile().getType()
        : podContext.getSeccompProfile() != null ? podContext.getSeccompProfile().getType() : null;
    assertThat(seccomp).isEqualTo("RuntimeDefault");
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(sc.getCapabilities().getDrop()).contains("ALL");
    assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");

    String serviceAccount = pod.getSpec().getServiceAccountName();
    String namespace = workload(objects).getMetadata().getNamespace();
    assertThat(of(objects, ServiceAccount.class)).anySatisfy(sa -> {
      assertThat(sa.getMetadata().getName()).isEqualTo(serviceAccount);
      assertThat(sa.getMetadata().getNamespace()).isEqualTo(namespace);
    });
  }
}
