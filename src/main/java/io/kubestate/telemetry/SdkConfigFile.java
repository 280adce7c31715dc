package io.kubestate.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.incubator.config.DeclarativeConfigException;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfigResult;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfiguration;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.AttributeNameValueModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.CardinalityLimitsModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.ExemplarFilterModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.MetricReaderModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.OpenTelemetryConfigurationModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.PeriodicMetricReaderModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.PullMetricReaderModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.ResourceModel;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Builds the SDK from a declarative configuration file ({@code OTEL_CONFIG_FILE}), which the SDK
 * parses (substituting {@code ${VAR:-default}}) and builds itself, with this project's Prometheus
 * endpoint as its {@code prometheus/development} exporter ({@link PrometheusComponentProvider}),
 * whose host and port default to {@code --metrics-host} and {@code --metrics-port} rather than the
 * SDK's localhost. What the SDK parsed gets these additions:
 *
 * <ul>
 *   <li>a reader without a default cardinality limit gets {@code --cardinality-limit}, rather than
 *       the SDK's 2000, which would silently fold all but 1999 objects of a family into one series;
 *   <li>a meter provider without an exemplar filter gets {@code always_off}, as without a file;
 *   <li>the OTLP exporter's own counters get a description ({@link ExporterMetrics}), as without a file;
 *   <li>the resource gets {@code service.name} kube-state-otel, {@code service.version}, {@code
 *       service.instance.id} and {@code k8s.cluster.name} wherever the file does not set them;
 *   <li>each push exporter sits behind an {@link ObjectResourceExporter}, for a Resource per object.
 * </ul>
 */
final class SdkConfigFile {
  static final String PROPERTY = "otel.config.file";
  static final String VARIABLE = "OTEL_CONFIG_FILE";
  private static final Logger logger = Logger.getLogger(SdkConfigFile.class.getName());
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private SdkConfigFile() {}

  /** The file, if one is set: by property override, system property, then environment, as the SDK looks. */
  static Path location(Map<String, String> overrides) {
    String file = overrides.get(PROPERTY);
    if (file == null) {
      file = System.getProperty(PROPERTY);
    }
    if (file == null) {
      file = System.getenv(VARIABLE);
    }
    return file == null || file.isBlank() ? null : Path.of(file.strip());
  }

  static Telemetry start(Path file, TelemetrySettings settings) {
    PrometheusComponentProvider prometheus = new PrometheusComponentProvider(settings.metricsHost(),
        settings.metricsPort());
    List<String> push = new ArrayList<>();
    List<String> targets = new ArrayList<>();
    AtomicBoolean perObject = new AtomicBoolean();
    int limit;
    OpenTelemetrySdk sdk;
    try {
      OpenTelemetryConfigurationModel model = parse(file, settings.propertyOverrides());
      adjustResource(model, settings);
      limit = adjustReaders(model, settings.cardinalityLimit(), push, targets);
      adjustExemplarFilter(model);
      describeExporterMetrics(model);
      sdk = DeclarativeConfiguration.create(model, withPushWrapper(prometheus.componentLoader(), perObject)).getSdk();
    } catch (DeclarativeConfigException e) {
      throw invalid(file, e);
    }
    List<PrometheusComponentProvider.Endpoint> endpoints = prometheus.endpoints();
    List<PrometheusServer> servers = new ArrayList<>();
    try {
      for (PrometheusComponentProvider.Endpoint e : endpoints) {
        servers.add(PrometheusServer.start(e.host(), e.port(), e.reader(), settings.metricsAccess()));
      }
    } catch (RuntimeException e) {
      servers.forEach(PrometheusServer::close);
      sdk.shutdown().join(5, TimeUnit.SECONDS);
      throw e;
    }
    if (servers.isEmpty() && push.isEmpty()) {
      logger.warning("OpenTelemetry SDK configuration file " + file + " has no metric reader: nothing is published");
    }
    logger.info("OpenTelemetry SDK configured by " + file + ": " + servers.size() + " Prometheus endpoint(s)"
        + (push.isEmpty() ? "" : ", pushing with " + String.join("; ", targets)));
    return new Telemetry(sdk, servers, endpoints.isEmpty() ? settings.metricsHost() : endpoints.get(0).host(), push,
        limit, perObject);
  }

  /** {@code components}, with each push exporter of the file behind an {@link ObjectResourceExporter}. */
  private static ComponentLoader withPushWrapper(ComponentLoader components, AtomicBoolean perObject) {
    return new ComponentLoader() {
      @Override
      public <T> Iterable<T> load(Class<T> type) {
        List<T> found = new ArrayList<>();
        for (T component : ComponentLoader.loadList(components, type)) {
          found.add(PushExporterProvider.makesPushExporters(component)
              ? type.cast(new PushExporterProvider((ComponentProvider) component, perObject::get)) : component);
        }
        return found;
      }
    };
  }

  private static IllegalArgumentException invalid(Path file, DeclarativeConfigException e) {
    StringBuilder message = new StringBuilder("OpenTelemetry SDK configuration file " + file + ": " + e.getMessage());
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      message.append(": ").append(cause.getMessage());
    }
    return new IllegalArgumentException(message.toString(), e);
  }

  private static OpenTelemetryConfigurationModel parse(Path file, Map<String, String> overrides) {
    Map<String, String> variables = new LinkedHashMap<>();
    overrides.forEach((k, v) -> {
      if (!k.equals(PROPERTY)) {
        variables.put(k.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'), v);
      }
    });
    try (InputStream in = Files.newInputStream(file)) {
      if (variables.isEmpty()) {
        return DeclarativeConfiguration.parse(in);
      }
      Map<String, String> environment = new HashMap<>(System.getenv());
      environment.putAll(variables);
      return parse(in, environment);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("OpenTelemetry SDK configuration file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OpenTelemetry SDK configuration file " + file, e);
    }
  }

  /**
   * Property overrides stand for environment variables in {@code ${VAR}} substitutions (property
   * {@code otel.x.y} for variable {@code OTEL_X_Y}), as they do for the SDK's variables without a
   * file. Only tests set them, and the SDK's parser takes another environment only through its
   * package-private twin of {@link DeclarativeConfiguration#parse(InputStream)}.
   */
  private static OpenTelemetryConfigurationModel parse(InputStream in, Map<String, String> environment) {
    try {
      Method parse = DeclarativeConfiguration.class.getDeclaredMethod("parse", InputStream.class, Map.class,
          Map.class);
      parse.setAccessible(true);
      return (OpenTelemetryConfigurationModel) parse.invoke(null, in, environment, System.getProperties());
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof RuntimeException r
          ? new DeclarativeConfigException("Unable to parse configuration input stream", r)
          : new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("property overrides cannot stand for environment variables in the "
          + "configuration file with this version of the OpenTelemetry SDK", e);
    }
  }

  /**
   * Returns the smallest limit a reader applies to asynchronous instruments: the state families
   * are such instruments, and the smallest limit is where one of them first overflows.
   */
  private static int adjustReaders(OpenTelemetryConfigurationModel model, int cardinalityLimit, List<String> push,
      List<String> targets) {
    if (model.getMeterProvider() == null || model.getMeterProvider().getReaders() == null
        || Boolean.TRUE.equals(model.getDisabled())) {
      return cardinalityLimit;
    }
    int smallest = Integer.MAX_VALUE;
    for (MetricReaderModel reader : model.getMeterProvider().getReaders()) {
      CardinalityLimitsModel limits;
      if (reader.getPull() != null) {
        PullMetricReaderModel pull = reader.getPull();
        limits = pull.getCardinalityLimits() == null ? new CardinalityLimitsModel() : pull.getCardinalityLimits();
        pull.withCardinalityLimits(limits);
      } else if (reader.getPeriodic() != null) {
        PeriodicMetricReaderModel periodic = reader.getPeriodic();
        if (periodic.getExporter() != null) {
          var exporter = DeclarativeConfiguration.toConfigProperties(periodic.getExporter());
          Duration every = Duration.ofMillis(periodic.getInterval() == null ? 60_000 : periodic.getInterval());
          for (String name : exporter.getPropertyKeys()) {
            var props = exporter.getStructured(name);
            String endpoint = props == null ? null : props.getString("endpoint");
            push.add(name);
            targets.add(name + (endpoint == null ? "" : " to " + endpoint) + ", every " + PushTargets.seconds(every));
          }
        }
        limits = periodic.getCardinalityLimits() == null
            ? new CardinalityLimitsModel() : periodic.getCardinalityLimits();
        periodic.withCardinalityLimits(limits);
      } else {
        continue;
      }
      if (limits.getDefault() == null) {
        limits.withDefault(cardinalityLimit);
      }
      for (Integer limit : new Integer[] {limits.getObservableGauge(), limits.getObservableUpDownCounter(),
          limits.getObservableCounter()}) {
        smallest = Math.min(smallest, limit == null ? limits.getDefault() : limit);
      }
    }
    return smallest == Integer.MAX_VALUE ? cardinalityLimit : smallest;
  }

  /** Callbacks run outside any span, so the SDK's trace-based default would only cost time. */
  private static void adjustExemplarFilter(OpenTelemetryConfigurationModel model) {
    if (model.getMeterProvider() != null && model.getMeterProvider().getExemplarFilter() == null) {
      model.getMeterProvider().withExemplarFilter(ExemplarFilterModel.ALWAYS_OFF);
    }
  }

  private static void describeExporterMetrics(OpenTelemetryConfigurationModel model) {
    if (model.getMeterProvider() != null) {
      ExporterMetrics.describe(model.getMeterProvider());
    }
  }

  private static void adjustResource(OpenTelemetryConfigurationModel model, TelemetrySettings settings) {
    Resource declared = declaredResource(model);
    Map<String, String> ours = new LinkedHashMap<>();
    String serviceName = declared.getAttribute(SERVICE_NAME);
    if (serviceName == null || serviceName.equals(Resource.getDefault().getAttribute(SERVICE_NAME))) {
      ours.put(SERVICE_NAME.getKey(), Telemetry.SERVICE_NAME);
    }
    Telemetry.extraResource(settings).getAttributes().forEach((key, value) -> {
      if (declared.getAttribute(key) == null) {
        ours.put(key.getKey(), value.toString());
      }
    });
    if (ours.isEmpty()) {
      return;
    }
    ResourceModel resource = model.getResource() == null ? new ResourceModel() : model.getResource();
    List<AttributeNameValueModel> attributes = resource.getAttributes() == null
        ? new ArrayList<>() : new ArrayList<>(resource.getAttributes());
    ours.forEach((name, value) -> attributes.add(new AttributeNameValueModel().withName(name).withValue(value)));
    model.withResource(resource.withAttributes(attributes));
  }

  /**
   * The resource the file alone makes. Its attributes come from detectors, {@code attributes_list}
   * and {@code attributes}, in increasing precedence; only the SDK knows what its detectors find.
   */
  private static Resource declaredResource(OpenTelemetryConfigurationModel model) {
    if (model.getResource() == null) {
      return Resource.getDefault();
    }
    DeclarativeConfigResult result = DeclarativeConfiguration.create(new OpenTelemetryConfigurationModel()
        .withFileFormat("1.1").withResource(model.getResource()));
    result.getSdk().shutdown().join(5, TimeUnit.SECONDS);
    return result.getResource();
  }
}
