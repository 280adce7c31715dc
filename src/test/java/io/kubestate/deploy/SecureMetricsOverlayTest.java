package io.kubestate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.kubestate.e2e.ExternalTools;
import io.kubestate.server.KubernetesAuth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/**
 * deploy/overlays/secure-metrics: the exporter serves TLS from the Secret cert-manager fills, may
 * review tokens, and Prometheus' ServiceMonitor presents a token and trusts the CA.
 */
class SecureMetricsOverlayTest {
  private static List<HasMetadata> objects;

  @BeforeAll
  static void build() {
    Path kubectl = ExternalTools.require("kubectl", "kubernetes-client");
    ExternalTools.Result r = ExternalTools.run(List.of(kubectl.toString(), "kustomize",
        "deploy/overlays/secure-metrics"), null, Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    objects = KustomizeTest.parse(r.stdout());
  }

  @Test
  void theExporterServesTlsFromTheMountedSecretAndChecksTokens() {
    Deployment deployment = one(Deployment.class);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    ParseResult args = RunFlags.parse(container.getArgs());
    assertThat(args.matchedOptionValue("--metrics-auth", "none")).isEqualTo("kubernetes");
    Path cert = args.matchedOptionValue("--metrics-tls-cert-file", null);
    Path key = args.matchedOptionValue("--metrics-tls-key-file", null);
    assertThat(cert.getParent()).isEqualTo(key.getParent());

    VolumeMount mount = container.getVolumeMounts().stream()
        .filter(m -> Path.of(m.getMountPath()).equals(cert.getParent())).findFirst().orElseThrow();
    assertThat(mount.getSubPath()).as("a subPath mount is never updated").isNull();
    Volume volume = deployment.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
    GenericKubernetesResource certificate = serving();
    assertThat(volume.getSecret().getSecretName()).isEqualTo(certificate.get("spec", "secretName"));
    assertThat(List.of(cert.getFileName().toString(), key.getFileName().toString()))
        .containsExactly("tls.crt", "tls.key");
    assertThat((String) certificate.get("spec", "privateKey", "encoding")).isEqualTo("PKCS8");

    assertThat(container.getReadinessProbe().getHttpGet().getScheme()).as("probes stay plain").isNotEqualTo("HTTPS");
  }

  @Test
  void theExporterMayCreateReviewsAndPrometheusMayGetMetrics() {
    List<PolicyRule> exporter = boundTo("ServiceAccount", "kube-state-otel");
    KustomizeTest.REVIEWS.forEach((group, resource) -> assertThat(exporter).anySatisfy(rule -> {
      assertThat(rule.getApiGroups()).containsExactly(group);
      assertThat(rule.getResources()).containsExactly(resource);
      assertThat(rule.getVerbs()).containsExactly("create");
    }));

    ClusterRole reader = of(ClusterRole.class).stream()
        .filter(r -> r.getRules().stream().anyMatch(rule -> !rule.getNonResourceURLs().isEmpty()))
        .findFirst().orElseThrow();
    assertThat(reader.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getNonResourceURLs()).containsExactly(KubernetesAuth.PATH);
      assertThat(rule.getVerbs()).containsExactly(KubernetesAuth.VERB);
    });
    assertThat(of(ClusterRoleBinding.class)).anySatisfy(b -> {
      assertThat(b.getRoleRef().getName()).isEqualTo(reader.getMetadata().getName());
      assertThat(b.getSubjects()).extracting(s -> s.getName()).doesNotContain("kube-state-otel");
    });
  }

  @Test
  void theServiceMonitorPresentsATokenAndTrustsTheCa() {
    GenericKubernetesResource monitor = kind("ServiceMonitor").get(0);
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    GenericKubernetesResource certificate = serving();
    List<String> names = certificate.get("spec", "dnsNames");
    assertThat(endpoints).singleElement().satisfies(e -> {
      assertThat(e).containsEntry("scheme", "https").containsEntry("path", "/metrics")
          .containsEntry("port", "metrics").containsEntry("honorLabels", true)
          .containsEntry("bearerTokenFile", "/var/run/secrets/kubernetes.io/serviceaccount/token");
      @SuppressWarnings("unchecked")
      Map<String, Object> tls = (Map<String, Object>) e.get("tlsConfig");
      assertThat(names).contains((String) tls.get("serverName"));
      assertThat(tls.get("ca")).isEqualTo(Map.of("secret", Map.of(
          "name", certificate.get("spec", "secretName"), "key", "ca.crt")));
    });
    assertThat(monitor.getMetadata().getNamespace()).as("the Secret must be in the monitor's namespace")
        .isEqualTo(certificate.getMetadata().getNamespace());
  }

  /** The serving certificate: the one that is not a CA. */
  private static GenericKubernetesResource serving() {
    return kind("Certificate").stream().filter(c -> !Boolean.TRUE.equals(c.get("spec", "isCA")))
        .findFirst().orElseThrow();
  }

  private static List<PolicyRule> boundTo(String kind, String name) {
    return of(ClusterRoleBinding.class).stream()
        .filter(b -> b.getSubjects().stream().anyMatch(s -> s.getKind().equals(kind) && s.getName().equals(name)))
        .flatMap(b -> of(ClusterRole.class).stream()
            .filter(r -> r.getMetadata().getName().equals(b.getRoleRef().getName())))
        .flatMap(r -> r.getRules().stream()).toList();
  }

  private static List<GenericKubernetesResource> kind(String kind) {
    return of(GenericKubernetesResource.class).stream().filter(o -> o.getKind().equals(kind)).toList();
  }

  private static <T extends HasMetadata> List<T> of(Class<T> type) {
    return Manifests.of(objects, type);
  }

  private static <T extends HasMetadata> T one(Class<T> type) {
    return Manifests.one(objects, type);
  }
}
