package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.source.FileSource;
import io.kubestate.testing.OtlpReceiver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A kube-state-metrics name defined more than once (for one kind with other commonLabels, or for
 * several kinds) reaches an OTLP backend as one metric with one description, as it reaches
 * Prometheus as one family with one HELP.
 */
class KsmSharedNamesOtlpTest {
  private static final Path CASES = Path.of("src/test/resources/kube-state-metrics/published");

  @Test
  void aNameDefinedSeveralTimesIsOneOtlpMetric() {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        Telemetry telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 10000, "", "1.2.3", "instance-1",
            Map.of("otel.metrics.exporter", "otlp",
                "otel.exporter.otlp.protocol", "http/protobuf",
                "otel.exporter.otlp.endpoint", receiver.endpoint(),
                "otel.metric.export.interval", "300")))) {
      CompiledConfig compiled = Compiler.compile(ConfigLoader.load(List.of(),
          List.of(CASES.resolve("flux/config.yaml"), CASES.resolve("vpa/config.yaml"))));
      FileSource objects = FileSource.load(List.of(CASES.resolve("flux/objects.yaml"), CASES.resolve("vpa/objects.yaml")),
          compiled.kinds().stream().map(KindMetrics::target).toList());
      try (StateMetrics metrics = StateMetrics.register(telemetry.meter(StateMetrics.SCOPE, "test"), compiled, objects,
          Clock.systemUTC(), 10000)) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
            .until(() -> !receiver.requestsWithScope(StateMetrics.SCOPE).isEmpty());
        List<ExportMetricsServiceRequest> requests = receiver.requestsWithScope(StateMetrics.SCOPE);
        List<Metric> exported = stateMetrics(requests.get(requests.size() - 1));

        List<Metric> flux = named(exported, "gotk_resource_info");
        assertThat(flux).hasSize(1);
        assertThat(flux.get(0).getDescription()).isEqualTo("State of a Flux HelmRelease.");
        assertThat(flux.get(0).getSum().getDataPointsCount()).isEqualTo(5);

        List<Metric> vpa = named(exported,
            "kube_verticalpodautoscaler_spec_resourcepolicy_container_policies_maxallowed");
        assertThat(vpa).hasSize(1);
        assertThat(vpa.get(0).getDescription()).isEqualTo("Most cpu the VPA may set for matching containers.");
        assertThat(vpa.get(0).getGauge().getDataPointsCount()).isEqualTo(3);
      }
    }
  }

  private static List<Metric> stateMetrics(ExportMetricsServiceRequest request) {
    List<Metric> out = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      for (ScopeMetrics sm : rm.getScopeMetricsList()) {
        if (sm.getScope().getName().equals(StateMetrics.SCOPE)) {
          out.addAll(sm.getMetricsList());
        }
      }
    }
    return out;
  }

  private static List<Metric> named(List<Metric> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).toList();
  }
}
