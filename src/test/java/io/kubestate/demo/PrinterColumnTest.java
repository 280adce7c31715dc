package io.kubestate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrinterColumnTest {
  private static final Instant NOW = Instant.parse("2026-08-24T12:00:00Z");
  private static final Map<String, Object> CONFIG = Map.of(
      "metadata", Map.of("name", "pipelines", "creationTimestamp", "2026-08-24T08:50:00Z"),
      "status", Map.of("families", 2, "conditions", List.of(
          Map.of("type", "Synced", "status", "False"),
          Map.of("type", "Ready", "status", "True", "reason", "Accepted"))));

  @Test
  void cellsFollowTheColumnPathsAndTypes() {
    assertThat(cell("string", ".status.conditions[?(@.type==\"Ready\")].reason")).isEqualTo("Accepted");
    assertThat(cell("string", ".status.conditions[?(@.type=='Synced')].status")).isEqualTo("False");
    assertThat(cell("integer", ".status.families")).isEqualTo(2L);
    assertThat(cell("integer", ".status.conditions[0].type")).isNull();
    assertThat(cell("string", ".status.observedGeneration")).isNull();
    assertThat(cell("string", ".status.conditions[*].type")).isNull();
  }

  @Test
  void datesShowAsAgesTheWayKubectlShowsThem() {
    assertThat(cell("date", ".metadata.creationTimestamp")).isEqualTo("3h10m");
    assertThat(PrinterColumn.AGE.cell(CONFIG, Instant.parse("2026-08-24T08:51:30Z"))).isEqualTo("90s");
    assertThat(PrinterColumn.AGE.cell(CONFIG, Instant.parse("2026-08-24T08:57:00Z"))).isEqualTo("7m");
    assertThat(PrinterColumn.AGE.cell(CONFIG, Instant.parse("2026-08-27T10:50:00Z"))).isEqualTo("3d2h");
    assertThat(PrinterColumn.of(List.of())).containsExactly(PrinterColumn.AGE);
  }

  private static Object cell(String type, String jsonPath) {
    return new PrinterColumn(new CustomResourceColumnDefinition(null, null, jsonPath, "Column", 0, type))
        .cell(CONFIG, NOW);
  }
}
