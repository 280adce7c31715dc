package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubestate.telemetry.ExporterMetrics;
import io.kubestate.telemetry.SelfMetric;
import io.kubestate.telemetry.SelfMetrics;
import io.kubestate.testing.Exporter;
import io.kubestate.testing.Exposition;
import io.kubestate.testing.OtlpReceiver;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the demo, pushing over OTLP as well, serves on /metrics about itself matches the definitions
 * docs/metrics.md is printed from: every kube_state_otel_* family is one of them, with its type,
 * description and exactly its attribute keys, and the OTLP exporter's counters carry a description.
 */
class SelfMetricsServedTest {
  @TempDir static Path tmp;
  private static Process process;
  private static OtlpReceiver receiver;
  private static Exposition served;

  @BeforeAll
  static void scrapeTheDemo() throws Exception {
    receiver = OtlpReceiver.start();
    int metrics = Ports.free();
    int telemetry = Ports.free();
    Path log = tmp.resolve("out.log");
    ProcessBuilder demo = Exporter.process("--demo", "--metrics-host", "127.0.0.1", "--metrics-port",
        Integer.toString(metrics), "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(telemetry));
    demo.environment().putAll(Map.of("OTEL_METRICS_EXPORTER", "otlp,prometheus",
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
        "OTEL_METRIC_EXPORT_INTERVAL", "500"));
    process = demo.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("health on :" + telemetry));
    // Scraped once the exporter has pushed and the watches have delivered objects, so that the
    // counters that only appear after an export or an event are there.
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      String text = Scrape.text(metrics);
      return text.contains("\notlp_exporter_exported_total{") && text.contains("\nkube_state_otel_events_total{");
    });
    served = Exposition.parse(Scrape.text(metrics));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (receiver != null) {
      receiver.close();
    }
  }

  @Test
  void everyOwnFamilyServedIsDefinedWithItsTypeDescriptionAndAttributeKeys() {
    Map<String, SelfMetric> defined = SelfMetrics.ALL.stream()
        .collect(Collectors.toMap(SelfMetric::prometheusName, Function.identity()));
    Set<String> families = new TreeSet<>();
    for (String family : served.headers().keySet()) {
      if (!family.startsWith("kube_state_otel_")) {
        continue;
      }
      families.add(family);
      assertThat(defined).as("%s is served but not in SelfMetrics", family).containsKey(family);
      assertDescribed(family, defined.get(family));
    }
    assertThat(families).as("families of the demo's own metrics").containsAll(List.of(
        "kube_state_otel_build_info", "kube_state_otel_resource_up", "kube_state_otel_resource_served",
        "kube_state_otel_objects", "kube_state_otel_events_total", "kube_state_otel_api_requests_total",
        "kube_state_otel_collection_duration_seconds", "kube_state_otel_series",
        "kube_state_otel_config_last_reload_successful",
        "kube_state_otel_config_last_reload_success_timestamp_seconds", "kube_state_otel_shard_ordinal",
        "kube_state_otel_total_shards"));
  }

  @Test
  void theOtlpExportersCountersAreServedWithTheirDescriptions() {
    for (SelfMetric m : ExporterMetrics.ALL) {
      assertThat(served.headers()).as("families served").containsKey(m.prometheusName());
      assertDescribed(m.prometheusName(), m);
    }
    assertThat(labels("otlp_exporter_exported_total", SelfMetric.Instrument.COUNTER).get("success"))
        .as("exports the receiver accepted").contains("true");
  }

  private static void assertDescribed(String family, SelfMetric m) {
    assertThat(served.headers().get(family)).as(family).containsExactly(
        "# HELP " + family + " " + m.description(), "# TYPE " + family + " " + m.instrument().prometheusType());
    assertThat(labels(family, m.instrument()).keySet()).as("label names of %s", family)
        .containsExactlyInAnyOrderElementsOf(m.attributes());
  }

  /** The values of each label the samples of a family carry, but a histogram bucket's bound. */
  private static Map<String, Set<String>> labels(String family, SelfMetric.Instrument instrument) {
    Set<String> names = instrument == SelfMetric.Instrument.HISTOGRAM
        ? Set.of(family + "_bucket", family + "_sum", family + "_count") : Set.of(family);
    Map<String, Set<String>> out = new TreeMap<>();
    for (Exposition.Series s : served.series()) {
      if (names.contains(s.name())) {
        s.labels().forEach((k, v) -> out.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
      }
    }
    out.remove("le");
    return out;
  }
}
