package io.kubestate.telemetry;

import io.opentelemetry.api.incubator.config.DeclarativeConfigException;
import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;

/**
 * The pull exporter {@code prometheus/development} of an SDK configuration file, served by this
 * project's endpoint rather than the SDK's (see {@link Telemetry}): a {@link PrometheusReader},
 * whose {@link PrometheusServer} {@link Telemetry} starts once the SDK is built, so that a
 * configuration failing further on leaves no port bound. The file stays one any SDK reads.
 *
 * <p>{@link ComponentProvider} is internal API in SDK 1.65 ({@code spi.internal}), yet the only way
 * to put a reader of our own into a configuration file; it is confined to this class (and {@link
 * PushExporterProvider}) so that an SDK upgrade changing it touches nothing else. The provider
 * reaches the SDK through {@link #componentLoader} rather than {@code META-INF/services}, because
 * each {@link Telemetry} needs its own, carrying its defaults and collecting the readers it
 * created, and because it must displace the SDK's provider of the same name wherever that is on
 * the class path (tests have it).
 */
final class PrometheusComponentProvider implements ComponentProvider {
  static final String NAME = "prometheus/development";
  private static final Logger logger = Logger.getLogger(PrometheusComponentProvider.class.getName());
  private static final String SCOPE_INFO = "scope_info_enabled";
  private static final String TARGET_INFO = "target_info_enabled/development";
  private static final Set<String> KNOWN = Set.of("host", "port", SCOPE_INFO, TARGET_INFO);

  /** A reader the SDK asked for, and where to serve it. */
  record Endpoint(PrometheusReader reader, String host, int port) {}

  private final String defaultHost;
  private final int defaultPort;
  private final List<Endpoint> endpoints = new ArrayList<>();

  PrometheusComponentProvider(String defaultHost, int defaultPort) {
    this.defaultHost = defaultHost;
    this.defaultPort = defaultPort;
  }

  @Override
  public Class<?> getType() {
    return MetricReader.class;
  }

  @Override
  public String getName() {
    return NAME;
  }

  /**
   * The options of the SDK's {@code prometheus/development} exporter, with the meaning its schema
   * gives them rather than the inverted one of SDK 1.64–1.65 (#8749).
   */
  @Override
  public synchronized MetricReader create(DeclarativeConfigProperties config) {
    String host = config.getString("host", defaultHost);
    int port = config.getInt("port", defaultPort);
    if (port < 0 || port > 65535) {
      throw new DeclarativeConfigException(NAME + ": port " + port + " is not a TCP port");
    }
    if (Boolean.TRUE.equals(config.getBoolean(SCOPE_INFO))) {
      logger.warning(NAME + ": " + SCOPE_INFO + " is true, but the endpoint never adds otel_scope_* labels: "
          + "state families carry the names users chose");
    }
    Set<String> ignored = new TreeSet<>(config.getPropertyKeys());
    ignored.removeAll(KNOWN);
    if (!ignored.isEmpty()) {
      logger.warning(NAME + ": ignoring " + String.join(", ", ignored)
          + " (this endpoint has its own naming and puts the resource in target_info only)");
    }
    PrometheusReader reader = new PrometheusReader(config.getBoolean(TARGET_INFO, true));
    endpoints.add(new Endpoint(reader, host, port));
    return reader;
  }

  synchronized List<Endpoint> endpoints() {
    return List.copyOf(endpoints);
  }

  /** The SDK's components, found as usual, with this provider in place of any other of its name. */
  ComponentLoader componentLoader() {
    ComponentLoader sdk = ComponentLoader.forClassLoader(DeclarativeConfigProperties.class.getClassLoader());
    return new ComponentLoader() {
      @Override
      public <T> Iterable<T> load(Class<T> type) {
        List<T> found = new ArrayList<>(ComponentLoader.loadList(sdk, type));
        if (type == ComponentProvider.class) {
          found.removeIf(c -> c instanceof ComponentProvider p && p.getType() == MetricReader.class
              && p.getName().equals(NAME));
          found.add(type.cast(PrometheusComponentProvider.this));
        }
        return found;
      }
    };
  }
}
