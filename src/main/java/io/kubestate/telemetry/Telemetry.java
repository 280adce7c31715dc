package io.kubestate.telemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The OpenTelemetry SDK of the exporter. The standard SDK environment variables configure it
 * through autoconfiguration (OTEL_METRICS_EXPORTER, OTEL_EXPORTER_OTLP_*, OTEL_METRIC_EXPORT_INTERVAL,
 * OTEL_RESOURCE_ATTRIBUTES, OTEL_SERVICE_NAME, ...), with {@code prometheus} as the default exporter;
 * or, when OTEL_CONFIG_FILE is set, an SDK declarative configuration file ({@link SdkConfigFile}).
 * The Prometheus endpoint is this project's own pull reader rather than the SDK's Prometheus
 * exporter: it binds the configured host (the SDK's binds localhost since 1.62, unreachable in a
 * pod), adds no {@code otel_scope_*} labels, keeps names such as {@code *_info} that client_java's
 * sanitizer strips, and carries the explicit cardinality limit. Push exporters go through an
 * {@link ObjectResourceExporter}, which gives each object a Resource of its own when {@link
 * #resourcePerObject(boolean)} asks for it.
 */
public final class Telemetry implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(Telemetry.class.getName());
  static final String SERVICE_NAME = "kube-state-otel";
  private static final String EXPORTERS = "otel.metrics.exporter";

  private final OpenTelemetrySdk sdk;
  private final List<PrometheusServer> prometheus;
  private final String prometheusHost;
  private final List<String> pushExporters;
  private final int cardinalityLimit;
  private final AtomicBoolean resourcePerObject;

  Telemetry(OpenTelemetrySdk sdk, List<PrometheusServer> prometheus, String prometheusHost, List<String> pushExporters,
      int cardinalityLimit, AtomicBoolean resourcePerObject) {
    this.sdk = sdk;
    this.resourcePerObject = resourcePerObject;
    this.prometheus = List.copyOf(prometheus);
    this.prometheusHost = prometheusHost;
    this.pushExporters = List.copyOf(pushExporters);
    this.cardinalityLimit = cardinalityLimit;
  }

  public static Telemetry start(TelemetrySettings settings) {
    Path configFile = SdkConfigFile.location(settings.propertyOverrides());
    if (configFile != null) {
      return SdkConfigFile.start(configFile, settings);
    }
    Map<String, String> defaults = new HashMap<>();
    defaults.put(EXPORTERS, "prometheus");
    defaults.put("otel.traces.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    defaults.put("otel.service.name", SERVICE_NAME);
    // Callbacks run outside any span, so an exemplar is never sampled; the trace-based filter still
    // asks the context at every observation (about 40% of collecting an UpDownCounter's points).
    defaults.put("otel.metrics.exemplar.filter", "always_off");
    // The reusable mode's pooled maps and points made collecting and exporting hundreds of
    // thousands of points slower, not faster, in the scale benchmark (SDK 1.65).
    defaults.put("otel.java.exporter.memory_mode", "immutable_data");
    PrometheusHolder holder = new PrometheusHolder();
    List<String> push = new ArrayList<>();
    AtomicBoolean perObject = new AtomicBoolean();
    AtomicReference<ConfigProperties> pushConfig = new AtomicReference<>();
    AutoConfiguredOpenTelemetrySdk auto = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        .addPropertiesCustomizer(config -> {
          Map<String, String> out = new HashMap<>(settings.propertyOverrides());
          List<String> exporters = exporters(config, settings.propertyOverrides());
          holder.wanted = exporters.remove("prometheus");
          push.addAll(exporters);
          out.put(EXPORTERS, exporters.isEmpty() ? "none" : String.join(",", exporters));
          out.put("otel.java.metrics.cardinality.limit", Integer.toString(settings.cardinalityLimit()));
          return out;
        })
        .addResourceCustomizer((resource, config) -> resource.merge(extraResource(settings)))
        .addMetricExporterCustomizer((exporter, config) -> {
          pushConfig.set(config);
          return new ObjectResourceExporter(exporter, perObject::get);
        })
        .addMeterProviderCustomizer((builder, config) -> {
          ExporterMetrics.describe(builder);
          if (holder.wanted) {
            holder.reader = new PrometheusReader(true);
            builder.registerMetricReader(holder.reader, type -> settings.cardinalityLimit());
          }
          return builder;
        })
        .disableShutdownHook()
        .build();
    PrometheusServer server = null;
    if (holder.reader != null) {
      try {
        server = PrometheusServer.start(settings.metricsHost(), settings.metricsPort(), holder.reader,
            settings.metricsAccess());
      } catch (RuntimeException e) {
        auto.getOpenTelemetrySdk().shutdown().join(5, TimeUnit.SECONDS);
        throw e;
      }
    }
    if (!push.isEmpty()) {
      logger.info("pushing metrics with " + (pushConfig.get() == null ? String.join(", ", push)
          : PushTargets.describe(push, pushConfig.get())));
    }
    return new Telemetry(auto.getOpenTelemetrySdk(), server == null ? List.of() : List.of(server),
        settings.metricsHost(), push, settings.cardinalityLimit(), perObject);
  }

  private static List<String> exporters(ConfigProperties config, Map<String, String> overrides) {
    String raw = overrides.containsKey(EXPORTERS) ? overrides.get(EXPORTERS) : config.getString(EXPORTERS, "prometheus");
    List<String> out = new ArrayList<>();
    for (String s : raw.split(",")) {
      String e = s.strip().toLowerCase(Locale.ROOT);
      if (!e.isEmpty() && !e.equals("none") && !out.contains(e)) {
        out.add(e);
      }
    }
    return out;
  }

  static Resource extraResource(TelemetrySettings s) {
    var b = Attributes.builder();
    if (s.serviceVersion() != null) {
      b.put("service.version", s.serviceVersion());
    }
    if (s.serviceInstanceId() != null) {
      b.put("service.instance.id", s.serviceInstanceId());
    }
    if (s.clusterName() != null && !s.clusterName().isBlank()) {
      b.put("k8s.cluster.name", s.clusterName());
    }
    return Resource.create(b.build());
  }

  public Meter meter(String scope, String version) {
    return sdk.getSdkMeterProvider().meterBuilder(scope).setInstrumentationVersion(version).build();
  }

  public SdkMeterProvider meterProvider() {
    return sdk.getSdkMeterProvider();
  }

  /**
   * The port the Prometheus endpoint listens on (the first, if a configuration file asks for
   * several), or -1 when it is not enabled.
   */
  public int prometheusPort() {
    return prometheus.isEmpty() ? -1 : prometheus.get(0).port();
  }

  /**
   * Collects once through the Prometheus endpoint's reader, as a scrape does, and writes the
   * exposition nowhere: the series are built and the code that builds them is compiled before the
   * first scrape comes. Returns the bytes a scrape would have had, or -1 without the endpoint.
   */
  public long collectOnce() throws java.io.IOException {
    if (prometheus.isEmpty()) {
      return -1;
    }
    long[] bytes = new long[1];
    prometheus.get(0).reader().scrape(ExpositionFormat.TEXT, new java.io.OutputStream() {
      @Override
      public void write(int b) {
        bytes[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        bytes[0] += len;
      }
    });
    return bytes[0];
  }

  /** The address the Prometheus endpoint of {@link #prometheusPort()} listens on. */
  public String prometheusHost() {
    return prometheusHost;
  }

  /**
   * The smallest number of series a reader keeps per asynchronous instrument (a state family) before
   * folding the rest into an overflow series: {@code --cardinality-limit}, unless the SDK
   * configuration file sets limits of its own.
   */
  public int cardinalityLimit() {
    return cardinalityLimit;
  }

  public List<String> pushExporters() {
    return pushExporters;
  }

  /**
   * Whether push exporters send each object's state points under a Resource of its own, carrying the
   * object's identity attributes, rather than all under the exporter's Resource; off at start. Takes
   * effect at the next export; the Prometheus endpoint is the same either way.
   */
  public void resourcePerObject(boolean on) {
    resourcePerObject.set(on);
  }

  public boolean resourcePerObject() {
    return resourcePerObject.get();
  }

  /**
   * {@code exporter}, sending each object's state points under a Resource of its own at every
   * export, as {@link #resourcePerObject(boolean)} makes the configured exporters do.
   */
  public static MetricExporter withResourcePerObject(MetricExporter exporter) {
    return new ObjectResourceExporter(exporter, () -> true);
  }

  /** Flushes push exporters (a final export), then stops the readers. */
  @Override
  public void close() {
    prometheus.forEach(PrometheusServer::close);
    sdk.getSdkMeterProvider().forceFlush().join(5, TimeUnit.SECONDS);
    sdk.shutdown().join(5, TimeUnit.SECONDS);
  }

  private static final class PrometheusHolder {
    boolean wanted;
    PrometheusReader reader;
  }
}
