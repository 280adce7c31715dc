package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.testing.OtlpReceiver;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stopping pushes what was collected last, so a shutdown between two export ticks loses nothing. */
class FinalExportTest {

  @Test
  void closingExportsOnceMore() {
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      Telemetry telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 1000, null, "test", "test",
          Map.of("otel.metrics.exporter", "otlp", "otel.exporter.otlp.protocol", "http/protobuf",
              "otel.exporter.otlp.endpoint", receiver.endpoint(), "otel.metric.export.interval", "3600000")));
      CompiledConfig config = Compiler.compile(ConfigLoader.parse("w.yaml", """
          kind: MetricsConfig
          resources:
            - {group: example.com, version: v1, kind: Widget, families: [{name: widget.info, type: info}]}
          """, new Problems()));
      StateMetrics.register(telemetry.meter(StateMetrics.SCOPE, "test"), config,
          t -> List.of(Map.of("metadata", Map.of("name", "w"))), Clock.systemUTC(), 1000);
      assertThat(receiver.requests()).isEmpty();

      telemetry.close();

      assertThat(receiver.points(StateMetrics.SCOPE)).extracting(OtlpReceiver.Point::metric)
          .containsExactly("widget.info");
    }
  }
}
