package io.kubestate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubestate.e2e.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/alerts built with {@code kubectl kustomize}, as the Prometheus Operator gets it: one
 * PrometheusRule per rules file, whose spec is that file, labelled for kube-prometheus-stack; and
 * the prometheus-operator overlay shipping them beside its ServiceMonitor.
 */
class AlertsKustomizeTest {
  private static final Path DEPLOY = Path.of("deploy");
  private static final Path ALERTS = DEPLOY.resolve("alerts");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Test
  void everyRulesFileIsThePrometheusRuleOfItsName() throws IOException {
    Map<String, Object> specs = new TreeMap<>();
    for (GenericKubernetesResource rule : build(ALERTS)) {
      assertThat(rule.getKind()).isEqualTo("PrometheusRule");
      assertThat(rule.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
      assertThat(rule.getMetadata().getLabels()).as("labels of %s", rule.getMetadata().getName())
          .containsKey("release").containsEntry("app.kubernetes.io/name", "kube-state-otel");
      specs.put(rule.getMetadata().getName(), rule.get("spec"));
    }
    Map<String, Object> files = new TreeMap<>();
    try (Stream<Path> rules = Files.list(ALERTS.resolve("rules"))) {
      for (Path file : rules.sorted().toList()) {
        String family = file.getFileName().toString().replace(".yaml", "");
        files.put(family.equals("kube-state-otel") ? family : "kube-state-otel-" + family,
            YAML.readValue(file.toFile(), Map.class));
      }
    }
    assertThat(specs).as("the PrometheusRules' specs, by name").isEqualTo(files);
  }

  @Test
  void prometheusOperatorOverlayShipsThemLabelledLikeItsMonitor() throws IOException {
    List<GenericKubernetesResource> overlay = build(DEPLOY.resolve("overlays/prometheus-operator"));
    GenericKubernetesResource monitor = overlay.stream().filter(o -> o.getKind().equals("ServiceMonitor"))
        .findFirst().orElseThrow();
    List<GenericKubernetesResource> rules = overlay.stream().filter(o -> o.getKind().equals("PrometheusRule"))
        .toList();
    assertThat(rules).extracting(o -> o.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(build(ALERTS).stream().map(o -> o.getMetadata().getName()).toList());
    assertThat(rules).allSatisfy(o -> {
      assertThat(o.getMetadata().getNamespace()).isEqualTo(monitor.getMetadata().getNamespace());
      assertThat(o.getMetadata().getLabels()).containsEntry("release", monitor.getMetadata().getLabels().get("release"));
    });
  }

  /** The objects of a build; those without a model class of their own come as generic resources. */
  private static List<GenericKubernetesResource> build(Path dir) {
    Path kubectl = ExternalTools.require("kubectl", "kubernetes-client");
    ExternalTools.Result r = ExternalTools.run(List.of(kubectl.toString(), "kustomize", dir.toString()), null,
        Duration.ofSeconds(60));
    assertThat(r.exitCode()).as("kubectl kustomize %s: %s", dir, r.stderr()).isZero();
    List<GenericKubernetesResource> out = new ArrayList<>();
    for (String doc : r.stdout().split("(?m)^---\\s*$")) {
      if (!doc.isBlank() && SERIALIZATION.unmarshal(doc) instanceof GenericKubernetesResource g) {
        out.add(g);
      }
    }
    return out;
  }
}
