package io.kubestate.telemetry;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where pushed metrics go, in words for the start-up log, read from the same properties and with
 * the same defaults as the SDK's autoconfiguration. Headers are left out: they may hold credentials.
 */
final class PushTargets {
  private static final String GRPC = "grpc";
  private static final String HTTP_PATH = "v1/metrics";

  private PushTargets() {}

  /** "OTLP (grpc) to http://localhost:4317, every 60 s", one part per exporter. */
  static String describe(List<String> exporters, ConfigProperties config) {
    Duration interval = config.getDuration("otel.metric.export.interval", Duration.ofSeconds(60));
    return exporters.stream().map(e -> e.equals("otlp") ? otlp(config) : e).collect(Collectors.joining(", "))
        + ", every " + seconds(interval);
  }

  private static String otlp(ConfigProperties config) {
    String protocol = config.getString("otel.exporter.otlp.metrics.protocol",
        config.getString("otel.exporter.otlp.protocol", GRPC)).toLowerCase(Locale.ROOT);
    return "OTLP (" + protocol + ") to " + endpoint(config, protocol.equals(GRPC));
  }

  private static String endpoint(ConfigProperties config, boolean grpc) {
    String own = config.getString("otel.exporter.otlp.metrics.endpoint");
    if (own != null) {
      return own;
    }
    String base = config.getString("otel.exporter.otlp.endpoint", grpc ? "http://localhost:4317" : "http://localhost:4318");
    // Over HTTP the signal's path is added to the shared endpoint; over gRPC the service names it.
    return grpc ? base : base + (base.endsWith("/") ? "" : "/") + HTTP_PATH;
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() / 1000.0 + " s";
  }
}
