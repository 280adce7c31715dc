package io.kubestate.expr;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import io.kubestate.source.FileSource;
import io.kubestate.telemetry.PrometheusRendering;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** A cache that keeps only the projection of each object serves exactly what whole objects give. */
class ProjectionTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-08-24T12:00:00Z"), ZoneOffset.UTC);

  static Stream<String> presets() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("src/main/resources/presets"))) {
      return files.map(p -> p.getFileName().toString().replace(".yaml", "")).sorted().toList().stream();
    }
  }

  private static List<Path> objectFiles() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/objects"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("presets")
  void projectedObjectsRenderAsWholeObjects(String preset) throws IOException {
    CompiledConfig config = Compiler.compile(ConfigLoader.load(List.of(preset), List.of()));
    List<WatchTarget> targets = config.kinds().stream().map(KindMetrics::target).toList();
    FileSource whole = FileSource.load(objectFiles(), targets);
    Map<WatchTarget, List<Map<String, Object>>> projected = new HashMap<>();
    for (KindMetrics kind : config.kinds()) {
      Projection p = Projection.of(kind);
      List<Map<String, Object>> out = new ArrayList<>();
      whole.objects(kind.target()).forEach(o -> out.add(p.apply(o)));
      projected.put(kind.target(), out);
    }
    String expected = PrometheusRendering.render(config, whole, CLOCK, 100_000);
    assertThat(expected).contains("\n");
    assertThat(PrometheusRendering.render(config, t -> projected.getOrDefault(t, List.of()), CLOCK, 100_000))
        .isEqualTo(expected);
  }

  @Test
  void keepsOnlyWhatTheFamiliesRead() {
    KindMetrics kind = kind("""
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Widget
            attributes: {name: metadata.name}
            families:
              - name: widget.condition
                type: info
                each: status.conditions
                attributes: {type: type, ready: '$.status.conditions[type=Ready].status'}
              - name: widget.port
                type: info
                each: [spec.ports]
                attributes: {key: '@key', port: number}
        """);
    Map<String, Object> object = Map.of(
        "apiVersion", "example.com/v1",
        "metadata", Map.of("name", "a", "uid", "u-1", "labels", Map.of("x", "y")),
        "spec", Map.of("ports", Map.of("http", Map.of("number", 80, "protocol", "TCP")), "other", List.of(1, 2)),
        "status", Map.of("conditions", List.of(
            Map.of("type", "Ready", "status", "True", "message", "fine"),
            Map.of("type", "Synced", "status", "False", "message", "long text"))));
    Projection p = Projection.of(kind);
    assertThat(p.keepsAll()).isFalse();
    assertThat(p.apply(object)).isEqualTo(Map.of(
        "metadata", Map.of("name", "a"),
        "spec", Map.of("ports", Map.of("http", Map.of("number", 80))),
        "status", Map.of("conditions", List.of(
            Map.of("type", "Ready", "status", "True"),
            Map.of("type", "Synced", "status", "False")))));
  }

  @Test
  void celAndKubeStateMetricsFamiliesKeepWholeObjects() {
    assertThat(Projection.of(kind("""
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Widget
            families:
              - name: widget.size
                type: gauge
                value: {cel: "object.spec.size"}
        """)).keepsAll()).isTrue();
  }

  @Test
  void theProjectionOfSeveralConfigsKeepsWhatEachReadsAndCoversEach() {
    KindMetrics names = widgets("{name: widget.info, type: info}");
    KindMetrics sizes = widgets("{name: widget.size, type: gauge, value: spec.size}");
    KindMetrics states = widgets("{name: widget.ready, type: gauge, each: status.conditions, value: status}");
    Projection both = Projection.of(List.of(names, sizes));
    Map<String, Object> object = Map.of("metadata", Map.of("name", "w", "uid", "1"),
        "spec", Map.of("size", 3, "color", "red"), "status", Map.of("conditions", List.of(Map.of("status", "True"))));
    assertThat(both.apply(object)).isEqualTo(Map.of("metadata", Map.of("name", "w"), "spec", Map.of("size", 3)));
    assertThat(both.covers(Projection.of(names))).isTrue();
    assertThat(both.covers(Projection.of(sizes))).isTrue();
    assertThat(both.covers(Projection.of(states))).isFalse();
    assertThat(Projection.of(names).covers(both)).isFalse();
    assertThat(Projection.whole().covers(both)).isTrue();
    assertThat(both.covers(Projection.whole())).isFalse();
    assertThat(Projection.of(List.<KindMetrics>of()).apply(object)).as("none read, nothing kept").isEmpty();
  }

  private static KindMetrics widgets(String family) {
    return kind("""
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Widget
            attributes: {k8s.widget.name: metadata.name}
            families: [%s]
        """.formatted(family));
  }

  private static KindMetrics kind(String yaml) {
    Problems problems = new Problems();
    CompiledConfig config = Compiler.compile(ConfigLoader.parse("test.yaml", yaml, problems));
    assertThat(problems.isEmpty()).isTrue();
    return config.kinds().get(0);
  }
}
