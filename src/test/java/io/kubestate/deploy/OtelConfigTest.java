package io.kubestate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.declarativeconfig.DeclarativeConfiguration;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.AttributeNameValueModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.MetricReaderModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.OpenTelemetryConfigurationModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.OtlpHttpMetricExporterModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.internal.ExperimentalPrometheusMetricExporterModel;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The OpenTelemetry files under otel-config/: the Collector's pipeline is wired, the operator's
 * resource carries the same config, the otlp overlay pushes to that Collector, and the SDK
 * configuration file parses, says what the command line defaults say, and takes what differs per
 * deployment from the SDK's standard variables (SdkConfigFileTest runs the exporter with it).
 */
class OtelConfigTest {
  private static final Path DIR = Path.of("otel-config");
  private static final List<String> SECTIONS = List.of("receivers", "processors", "exporters", "connectors");

  @Test
  void collectorPipelinesUseOnlyDefinedComponentsAndUseThemAll() throws IOException {
    Map<String, Object> config = yaml(DIR.resolve("collector.yaml"));
    Map<String, Object> pipelines = map(map(config.get("service")).get("pipelines"));
    assertThat(pipelines).containsKey("metrics");
    Map<String, List<String>> used = new LinkedHashMap<>();
    pipelines.forEach((name, p) -> map(p).forEach((section, components) -> {
      assertThat(SECTIONS).as("pipeline %s", name).contains(section);
      List<String> ids = list(components);
      assertThat(ids).as("%s of pipeline %s", section, name).isNotEmpty()
          .allSatisfy(id -> assertThat(map(config.get(section))).as(section).containsKey(id));
      used.computeIfAbsent(section, s -> new ArrayList<>()).addAll(ids);
    }));
    for (String section : SECTIONS) {
      if (config.containsKey(section)) {
        assertThat(used.get(section)).as("%s used by a pipeline", section)
            .containsAll(map(config.get(section)).keySet());
      }
    }
    assertThat(used.get("receivers")).contains("otlp");
    assertThat(used.get("exporters")).contains("prometheus", "prometheusremotewrite", "debug");
    // On, it would overwrite the watched objects' k8s.* attributes with the exporter's own resource.
    assertThat(map(map(config.get("exporters")).get("prometheus"))).doesNotContainKey("resource_to_telemetry_conversion");
  }

  @Test
  void operatorResourceCarriesTheCollectorConfig() throws IOException {
    Map<String, Object> resource = yaml(DIR.resolve("opentelemetry-collector.yaml"));
    assertThat(resource).containsEntry("apiVersion", "opentelemetry.io/v1beta1")
        .containsEntry("kind", "OpenTelemetryCollector");
    assertThat(map(resource.get("spec")).get("config")).isEqualTo(yaml(DIR.resolve("collector.yaml")));
  }

  @Test
  void otlpOverlayPushesToThatCollector() throws IOException {
    Map<String, String> env = otlpOverlayEnv();
    assertThat(env).containsEntry("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    URI endpoint = URI.create(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"));
    Map<String, Object> metadata = map(yaml(DIR.resolve("opentelemetry-collector.yaml")).get("metadata"));
    // The operator's Service for a collector named N is N-collector.
    assertThat(endpoint.getHost()).isEqualTo(metadata.get("name") + "-collector." + metadata.get("namespace") + ".svc");
    assertThat(endpoint.getPort()).isEqualTo(otlpHttpPort());
  }

  @Test
  void sdkConfigFileParsesWithBothReadersTheDefaultLimitAndResource() throws IOException {
    OpenTelemetryConfigurationModel model;
    try (InputStream in = Files.newInputStream(DIR.resolve("sdk-config.yaml"))) {
      model = DeclarativeConfiguration.parse(in);
    }
    assertThat(model.getFileFormat()).isEqualTo("1.1");
    assertThat(model.getResource().getAttributes()).extracting(AttributeNameValueModel::getName,
        AttributeNameValueModel::getValue).contains(org.assertj.core.groups.Tuple.tuple("service.name", "kube-state-otel"));

    int metricsPort = RunFlags.defaultOf("--metrics-port");
    int limit = RunFlags.defaultOf("--cardinality-limit");

    List<MetricReaderModel> readers = model.getMeterProvider().getReaders();
    assertThat(readers).hasSize(2);
    MetricReaderModel pull = readers.stream().filter(r -> r.getPull() != null).findFirst().orElseThrow();
    ExperimentalPrometheusMetricExporterModel prometheus = pull.getPull().getExporter().getPrometheusDevelopment();
    assertThat(prometheus.getHost()).isEqualTo("0.0.0.0");
    assertThat(prometheus.getPort()).isEqualTo(metricsPort);
    assertThat(pull.getPull().getCardinalityLimits().getDefault()).isEqualTo(limit);

    MetricReaderModel push = readers.stream().filter(r -> r.getPeriodic() != null).findFirst().orElseThrow();
    OtlpHttpMetricExporterModel otlp = push.getPeriodic().getExporter().getOtlpHttp();
    assertThat(otlp.getEndpoint()).isEqualTo(otlpOverlayEnv().get("OTEL_EXPORTER_OTLP_ENDPOINT") + "/v1/metrics");
    assertThat(push.getPeriodic().getCardinalityLimits().getDefault()).isEqualTo(limit);
  }

  @Test
  void sdkConfigFileTakesTheStandardVariablesForWhatItSetsPerDeployment() throws IOException {
    Map<String, Object> readers = map(yaml(DIR.resolve("sdk-config.yaml")).get("meter_provider"));
    Map<String, Object> pull = map(map(list(readers.get("readers")).stream().map(OtelConfigTest::map)
        .filter(r -> r.containsKey("pull")).findFirst().orElseThrow().get("pull")).get("exporter"));
    assertThat(map(pull.get("prometheus/development")))
        .containsEntry("host", "${OTEL_EXPORTER_PROMETHEUS_HOST:-0.0.0.0}")
        .containsEntry("port", "${OTEL_EXPORTER_PROMETHEUS_PORT:-9464}");
    Map<String, Object> otlp = map(map(map(list(readers.get("readers")).stream().map(OtelConfigTest::map)
        .filter(r -> r.containsKey("periodic")).findFirst().orElseThrow().get("periodic")).get("exporter"))
        .get("otlp_http"));
    assertThat(otlp).containsEntry("headers_list", "${OTEL_EXPORTER_OTLP_HEADERS}");
    assertThat(map(otlp.get("tls"))).isEqualTo(Map.of(
        "ca_file", "${OTEL_EXPORTER_OTLP_CERTIFICATE}",
        "key_file", "${OTEL_EXPORTER_OTLP_CLIENT_KEY}",
        "cert_file", "${OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE}"));
  }

  private static int otlpHttpPort() throws IOException {
    Map<String, Object> protocols = map(map(map(yaml(DIR.resolve("collector.yaml")).get("receivers")).get("otlp"))
        .get("protocols"));
    String endpoint = (String) map(protocols.get("http")).get("endpoint");
    return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
  }

  /** The plain values the otlp overlay's JSON patch adds to the container's environment. */
  private static Map<String, String> otlpOverlayEnv() throws IOException {
    String text = Files.readString(Path.of("deploy/overlays/otlp/otlp-env.yaml"));
    Map<String, String> env = new LinkedHashMap<>();
    for (Object op : list(new Load(LoadSettings.builder().build()).loadFromString(text))) {
      Map<String, Object> value = map(map(op).get("value"));
      if (value.get("value") != null) {
        env.put((String) value.get("name"), (String) value.get("value"));
      }
    }
    return env;
  }

  private static Map<String, Object> yaml(Path file) throws IOException {
    return map(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> list(Object o) {
    assertThat(o).isInstanceOf(List.class);
    return (List<T>) o;
  }
}
