package io.kubestate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spec of a MetricsConfig resource, read as the API server returns it: problems named by their path. */
class ResourceSpecTest {

  private static List<String> problems(Object spec) {
    Problems problems = new Problems();
    ResourceSpec.parse(spec, problems);
    return problems.list().stream().map(Problem::toString).toList();
  }

  @Test
  void aValidSpecReadsAsTheSameConfigAsTheFileWouldWithoutProblems() {
    Problems problems = new Problems();
    MetricsConfig config = ResourceSpec.parse(Map.of("resources", List.of(Map.of("group", "tekton.dev",
        "version", "v1", "kind", "PipelineRun",
        "families", List.of(Map.of("name", "team.pipelinerun.info", "type", "info"))))), problems);
    assertThat(problems.isEmpty()).isTrue();
    assertThat(config.resources()).singleElement().satisfies(r -> {
      assertThat(r.kind()).isEqualTo("PipelineRun");
      assertThat(r.families()).extracting(FamilyConfig::name).containsExactly("team.pipelinerun.info");
      assertThat(r.families().get(0).position()).hasToString("spec.resources[0].families[0]");
    });
  }

  @Test
  void problemsArePlacedAtTheirPathInTheResource() {
    assertThat(problems(Map.of("resources", List.of(Map.of("group", "tekton.dev", "version", "v1",
        "kind", "PipelineRun", "attributes", Map.of("k8s.pipelinerun.name", Map.of("pathh", "metadata.name")),
        "families", List.of(Map.of("name", "a", "type", "info"), Map.of("name", "b", "type", "counter")))))))
        .contains("spec.resources[0].families[1].type: unknown family type \"counter\"; use gauge, stateset or info")
        .anyMatch(p -> p.startsWith("spec.resources[0].attributes[\"k8s.pipelinerun.name\"]: "));
  }

  @Test
  void kindIncludeAndAMissingSpecAreRefusedWithAReason() {
    assertThat(problems(Map.of("kind", "MetricsConfig", "include", List.of("tekton"), "resources", List.of())))
        .contains("spec.kind: \"kind\" is not part of the spec: the resource's own kind is MetricsConfig")
        .anyMatch(p -> p.startsWith("spec.include: \"include\" is not available in a MetricsConfig resource"));
    assertThat(problems(null)).containsExactly("spec: the spec must be a map with \"resources\", found null");
  }

  @Test
  void aWildcardIsRefusedInAResourceWhereTheExportersOwnConfigTakesIt() {
    assertThat(problems(Map.of("resources", List.of(Map.of("group", "constraints.gatekeeper.sh", "version", "v1beta1",
        "kind", "*", "families", List.of(Map.of("name", "team.constraint.info", "type", "info")))))))
        .containsExactly("spec.resources[0]: a wildcard version or kind is not available in a MetricsConfig resource:"
            + " name each kind, or ask for the wildcard in the exporter's own config");
  }
}
