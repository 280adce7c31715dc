package io.kubestate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.Pluralize;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
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
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Presets;
import io.kubestate.config.ResourceConfig;
import io.kubestate.e2e.ExternalTools;
import io.kubestate.source.ConfigResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

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
    List<String> unknown = parsed.unmatched().stream().map(KustomizeTest::flag).toList();
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

  // ---- what the program makes of the install

  private static ParseResult parseArgs(List<HasMetadata> objects) {
    return RunFlags.parse(expandedArgs(objects));
  }

  private static boolean metricsAuth(List<HasMetadata> objects) {
    return "kubernetes".equals(parseArgs(objects).matchedOptionValue("--metrics-auth", "none"));
  }

  private static String flag(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg : arg.substring(0, eq);
  }

  /** The container's arguments as Kubernetes passes them: $(VAR) expanded from the container's env. */
  private static List<String> expandedArgs(List<HasMetadata> objects) {
    Map<String, String> env = envAsKubernetesExpandsIt(objects);
    List<String> args = container(template(objects)).getArgs().stream().map(a -> expand(a, env)).toList();
    assertThat(args).as("arguments with an undefined $(VAR)").noneMatch(a -> a.contains("$("));
    return args;
  }

  /**
   * The container's environment: values, ConfigMap keys from the same install, placeholders for the
   * downward API; a $(VAR) in a value is expanded only from variables listed before it, as the
   * kubelet does.
   */
  private static Map<String, String> envAsKubernetesExpandsIt(List<HasMetadata> objects) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar v : container(template(objects)).getEnv()) {
      String value;
      if (v.getValueFrom() == null) {
        value = expand(v.getValue(), env);
      } else if (v.getValueFrom().getConfigMapKeyRef() != null) {
        String name = v.getValueFrom().getConfigMapKeyRef().getName();
        ConfigMap map = of(objects, ConfigMap.class).stream().filter(m -> m.getMetadata().getName().equals(name))
            .findFirst().orElseThrow(() -> new AssertionError("no ConfigMap " + name + " for " + v.getName()));
        value = map.getData().get(v.getValueFrom().getConfigMapKeyRef().getKey());
        assertThat(value).as("%s from ConfigMap %s", v.getName(), name).isNotNull();
      } else {
        assertThat(v.getValueFrom().getFieldRef()).as(v.getName()).isNotNull();
        value = "fieldRef(" + v.getValueFrom().getFieldRef().getFieldPath() + ")";
      }
      env.put(v.getName(), value);
    }
    return env;
  }

  private static String expand(String s, Map<String, String> env) {
    Matcher m = VAR_REF.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
    }
    return m.appendTail(out).toString();
  }

  /** API group to the resources the presets watch. */
  private static Map<String, Set<String>> watchedResources(List<String> presets) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (ResourceConfig r : ConfigLoader.load(presets, List.of()).resources()) {
      String plural = r.plural() != null ? r.plural() : Pluralize.toPlural(r.kind().toLowerCase(Locale.ROOT));
      out.computeIfAbsent(r.group(), g -> new TreeSet<>()).add(plural);
    }
    return out;
  }

  /** API group to resources, from the ClusterRoles bound cluster-wide to the workload's account. */
  private static Map<String, Set<String>> clusterGrants(List<HasMetadata> objects) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (ClusterRoleBinding b : of(objects, ClusterRoleBinding.class)) {
      if (bindsWorkload(objects, b.getSubjects())) {
        assertThat(b.getRoleRef().getKind()).isEqualTo("ClusterRole");
        add(out, named(objects, ClusterRole.class, b.getRoleRef().getName(), null).getRules());
      }
    }
    return out;
  }

  private static Map<String, Set<String>> namespaceGrants(List<HasMetadata> objects, String namespace) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (RoleBinding b : of(objects, RoleBinding.class)) {
      if (namespace.equals(b.getMetadata().getNamespace()) && bindsWorkload(objects, b.getSubjects())) {
        add(out, b.getRoleRef().getKind().equals("Role")
            ? named(objects, Role.class, b.getRoleRef().getName(), namespace).getRules()
            : named(objects, ClusterRole.class, b.getRoleRef().getName(), null).getRules());
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

  private static boolean bindsWorkload(List<HasMetadata> objects, List<Subject> subjects) {
    HasMetadata workload = workload(objects);
    String account = template(objects).getSpec().getServiceAccountName();
    return subjects.stream().anyMatch(s -> s.getKind().equals("ServiceAccount") && s.getName().equals(account)
        && workload.getMetadata().getNamespace().equals(s.getNamespace()));
  }

  // ---- finding things

  private static List<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(HasMetadata::getKind).toList();
  }

  private static <T extends HasMetadata> List<T> of(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = of(objects, type);
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  private static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name,
      String namespace) {
    return of(objects, type).stream()
        .filter(o -> o.getMetadata().getName().equals(name)
            && Objects.equals(o.getMetadata().getNamespace(), namespace))
        .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static HasMetadata workload(List<HasMetadata> objects) {
    List<HasMetadata> workloads = objects.stream()
        .filter(o -> o instanceof Deployment || o instanceof StatefulSet).toList();
    assertThat(workloads).as("Deployments and StatefulSets").hasSize(1);
    return workloads.get(0);
  }

  private static PodTemplateSpec template(List<HasMetadata> objects) {
    HasMetadata w = workload(objects);
    return w instanceof Deployment d ? d.getSpec().getTemplate() : ((StatefulSet) w).getSpec().getTemplate();
  }

  private static Container container(PodTemplateSpec pod) {
    assertThat(pod.getSpec().getContainers()).hasSize(1);
    return pod.getSpec().getContainers().get(0);
  }

  private static int containerPort(Container c, String name) {
    return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
        .findFirst().orElseThrow(() -> new AssertionError("no container port named " + name));
  }

  private static int resolve(IntOrString port, Container c) {
    return port.getIntVal() != null ? port.getIntVal() : containerPort(c, port.getStrVal());
  }
}
