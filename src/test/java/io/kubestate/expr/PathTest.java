package io.kubestate.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTest {
  private static final Map<String, Object> OBJECT = Map.of(
      "metadata", Map.of("name", "run-1", "labels", Map.of("tekton.dev/pipeline", "build")),
      "spec", Map.of("items", List.of("a", "b", "c")),
      "status", Map.of("conditions", List.of(
          Map.of("type", "Ready", "status", "False"),
          Map.of("type", "Succeeded", "status", "True", "observedGeneration", 3))));

  private static Object get(String path) {
    return Path.parse(path).get(new Scope().reset(OBJECT, Instant.EPOCH));
  }

  @Test
  void readsKeysIndexesAndSelections() {
    assertThat(get("metadata.name")).isEqualTo("run-1");
    assertThat(get("$.metadata.name")).isEqualTo("run-1");
    assertThat(get("metadata.labels[\"tekton.dev/pipeline\"]")).isEqualTo("build");
    assertThat(get("metadata.labels['tekton.dev/pipeline']")).isEqualTo("build");
    assertThat(get("spec.items[0]")).isEqualTo("a");
    assertThat(get("spec.items[-1]")).isEqualTo("c");
    assertThat(get("status.conditions[type=Succeeded].status")).isEqualTo("True");
    assertThat(get("status.conditions[type=\"Ready\"].status")).isEqualTo("False");
    assertThat(get("status.conditions[observedGeneration=3].type")).isEqualTo("Succeeded");
  }

  @Test
  void missingThingsAreNullNotErrors() {
    assertThat(get("metadata.uid")).isNull();
    assertThat(get("spec.items[7]")).isNull();
    assertThat(get("spec.items.name")).isNull();
    assertThat(get("status.conditions[type=Nope].status")).isNull();
    assertThat(get("metadata.name.first")).isNull();
  }

  @Test
  void enclosingLevelsAndKeysDuringIteration() {
    Scope scope = new Scope().reset(OBJECT, Instant.EPOCH);
    scope.push(Map.of("name", "http"), null);
    scope.push(Map.of("type", "Programmed"), "k");
    assertThat(Path.parse("type").get(scope)).isEqualTo("Programmed");
    assertThat(Path.parse("^.name").get(scope)).isEqualTo("http");
    assertThat(Path.parse("^^.metadata.name").get(scope)).isEqualTo("run-1");
    assertThat(Path.parse("@key").get(scope)).isEqualTo("k");
    assertThat(Path.parse("@").get(scope)).isEqualTo(Map.of("type", "Programmed"));
  }

  @Test
  void syntaxErrorsNameTheCharacter() {
    assertThatThrownBy(() -> Path.parse("status.conditions[type=Ready"))
        .hasMessageContaining("invalid path").hasMessageContaining("expected ']'");
    assertThatThrownBy(() -> Path.parse("metadata..name")).hasMessageContaining("character 10");
    assertThatThrownBy(() -> Path.parse("")).hasMessageContaining("empty path");
    assertThatThrownBy(() -> Path.parse("labels[\"x")).hasMessageContaining("unterminated quote");
  }
}
