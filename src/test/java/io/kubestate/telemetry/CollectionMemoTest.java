package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.WatchTarget;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Collections reuse what a family produced for an unchanged object, but never a value that read
 * the clock, and a changed object (a new map) is evaluated again.
 */
class CollectionMemoTest {
  private static final String CONFIG = """
      kind: MetricsConfig
      resources:
        - group: example.com
          version: v1
          kind: Widget
          attributes: {k8s.widget.name: metadata.name}
          families:
            - name: widget.phase
              type: stateset
              stateAttribute: phase
              states: [Pending, Running]
              value: status.phase
            - name: widget.age
              type: gauge
              unit: s
              value: {duration: {from: metadata.creationTimestamp}}
            - name: widget.count
              type: gauge
              attributes: {phase: status.phase}
              aggregate: {function: count, by: [phase]}
      """;

  private final List<Map<String, Object>> objects = new ArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:01:00Z"));
  private SdkMeterProvider provider;

  @AfterEach
  void close() {
    provider.close();
  }

  private static Map<String, Object> widget(String name, String phase) {
    return Map.of("metadata", Map.of("name", name, "creationTimestamp", "2026-01-01T00:00:00Z"),
        "status", Map.of("phase", phase));
  }

  private String scrape(PrometheusReader reader) throws IOException {
    StringWriter out = new StringWriter();
    reader.scrape(ExpositionFormat.TEXT, out);
    return PrometheusRendering.sortSeries(out.toString());
  }

  @Test
  void unchangedObjectsAreReplayedChangedOnesAndClockReadersEvaluated() throws IOException {
    Problems problems = new Problems();
    CompiledConfig config = Compiler.compile(ConfigLoader.parse("widgets.yaml", CONFIG, problems));
    PrometheusReader reader = new PrometheusReader(false);
    provider = SdkMeterProvider.builder().registerMetricReader(reader, t -> 1000).build();
    StateMetrics.register(provider.get(StateMetrics.SCOPE), config, (WatchTarget t) -> objects, clock, 1000);
    objects.add(widget("a", "Pending"));
    objects.add(widget("b", "Running"));

    String first = scrape(reader);
    assertThat(first).contains("widget_age_seconds{k8s_widget_name=\"a\"} 60\n")
        .contains("widget_phase{k8s_widget_name=\"a\",phase=\"Pending\"} 1\n")
        .contains("widget_count{phase=\"Pending\"} 1\n");
    assertThat(scrape(reader)).isEqualTo(first);

    clock.now = clock.now.plusSeconds(30);
    objects.set(0, widget("a", "Running"));
    String later = scrape(reader);
    assertThat(later).contains("widget_age_seconds{k8s_widget_name=\"a\"} 90\n")
        .contains("widget_age_seconds{k8s_widget_name=\"b\"} 90\n")
        .contains("widget_phase{k8s_widget_name=\"a\",phase=\"Pending\"} 0\n")
        .contains("widget_phase{k8s_widget_name=\"a\",phase=\"Running\"} 1\n")
        .contains("widget_count{phase=\"Running\"} 2\n")
        .doesNotContain("phase=\"Pending\"} 1")
        .doesNotContain("widget_count{phase=\"Pending\"}");

    objects.remove(1);
    assertThat(scrape(reader)).doesNotContain("\"b\"").contains("widget_count{phase=\"Running\"} 1\n");

    // A count no object had at the last collection comes back from zero.
    objects.add(widget("c", "Pending"));
    objects.add(widget("d", "Pending"));
    assertThat(scrape(reader)).contains("widget_count{phase=\"Pending\"} 2\n")
        .contains("widget_count{phase=\"Running\"} 1\n");
    assertThat(scrape(reader)).contains("widget_count{phase=\"Pending\"} 2\n")
        .contains("widget_count{phase=\"Running\"} 1\n");
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
