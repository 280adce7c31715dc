package io.kubestate.bench;

import io.kubestate.telemetry.StateMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/** The SDK and exporters as the exporter sets them up, shared by the scenarios that measure them. */
final class Pipeline {
  /** The cardinality limit of every reader: above what any scenario has, so that no series is cut. */
  static final int LIMIT = 5_000_000;
  /** A fixed now, so that a duration with no end yet (a run still going) is the same in every run. */
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-08-24T12:00:00Z"), ZoneOffset.UTC);

  private Pipeline() {}

  /** A provider with the exemplar filter Telemetry sets by default and the exporter's resource. */
  static SdkMeterProviderBuilder provider() {
    return SdkMeterProvider.builder()
        .setExemplarFilter(ExemplarFilter.alwaysOff())
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "kube-state-otel",
            AttributeKey.stringKey("service.instance.id"), "bench")));
  }

  /** The state callbacks on {@code provider}, reading the scenario's objects. */
  static StateMetrics register(SdkMeterProvider provider, ScenarioData s) {
    return StateMetrics.register(provider.get(StateMetrics.SCOPE), s.config(), s, CLOCK, LIMIT);
  }

  /** The real OTLP/HTTP exporter, with the memory mode Telemetry sets by default, into {@code receiver}. */
  static OtlpHttpMetricExporter otlpExporter(DrainReceiver receiver) {
    return OtlpHttpMetricExporter.builder().setEndpoint(receiver.endpoint()).setTimeout(Duration.ofMinutes(2))
        .setMemoryMode(MemoryMode.IMMUTABLE_DATA).build();
  }
}
