package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.server.SelfTelemetry;
import io.kubestate.source.ApiRequests;
import io.kubestate.source.InformerSource;
import io.kubestate.source.KindState;
import io.kubestate.telemetry.CollectionStats;
import io.kubestate.telemetry.ExpositionFormat;
import io.kubestate.telemetry.PrometheusReader;
import io.kubestate.telemetry.SeriesLimit;
import io.kubestate.telemetry.StateMetrics;
import io.kubestate.testing.Crds;
import io.kubestate.testing.Exposition;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The unit tests of the exporter's own alerts (deploy/alerts/rules/kube-state-otel.yaml), on its
 * own metrics as it produces them: watches of served and of not-served kinds against the API mock
 * server, a family evaluating objects of the wrong shape and one above the cardinality limit, a
 * MetricsConfig above its series limit, refused and accepted MetricsConfigs, a rejected reload.
 */
@EnableKubernetesMockClient(crud = true)
class ExporterAlertsTest {
  private static final String WIDGETS = """
      kind: MetricsConfig
      resources:
        - group: example.com
          version: v1
          kind: Widget
          attributes: {name: metadata.name}
          families:
            - {name: %1$s.size, type: gauge, value: spec.size}
            - {name: %1$s.info, type: info}
      """;
  private static final int CARDINALITY_LIMIT = 3;

  KubernetesClient client;

  @TestFactory
  List<DynamicTest> everyAlertOnTheExporterFiresOnItsOwnMetricsAndOnlyThen() throws Exception {
    String family = AlertRulesTest.EXPORTER;
    return AlertUnitTests.tests(AlertRulesTest.RULES.resolve(family + ".yaml"), AlertUnitTests.spec(family),
        selfMetrics(client));
  }

  /** The exporter's own metrics, after it has met each of the problems its alerts are about. */
  static Exposition selfMetrics(KubernetesClient client) throws Exception {
    Crds.installTekton(client);
    CompiledConfig presets = Compiler.compile(ConfigLoader.load(List.of("tekton", "kueue"), List.of()));
    PrometheusReader stateReader = new PrometheusReader(false);
    PrometheusReader selfReader = new PrometheusReader(false);
    // Two providers, so that the self metrics are read after the collection they describe, and so
    // that the small limit the state families are given does not cut the self metrics short.
    try (InformerSource source = InformerSource.start(client,
            presets.kinds().stream().map(KindMetrics::target).toList(), List.of());
        SdkMeterProvider state = SdkMeterProvider.builder()
            .registerMetricReader(stateReader, type -> CARDINALITY_LIMIT).build();
        SdkMeterProvider self = SdkMeterProvider.builder().registerMetricReader(selfReader).build()) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(source.states().values())
          .contains(KindState.SYNCED, KindState.NOT_SERVED).doesNotContain(KindState.WAITING, KindState.SYNCING));
      SelfTelemetry telemetry = SelfTelemetry.register(self.get(SelfTelemetry.SCOPE), new ApiRequests(), "test");
      telemetry.source(() -> source);
      CollectionStats stats = telemetry.stats();

      List<Map<String, Object>> widgets = List.of(widget("a", 1), widget("b", "huge"), widget("c", 3),
          widget("d", 4));
      StateMetrics.register(state.get(StateMetrics.SCOPE), config("widget"), t -> widgets, Clock.systemUTC(),
          CARDINALITY_LIMIT, StateMetrics.DEFAULT_MAX_ATTRIBUTE_LENGTH, stats);
      CollectionStats.Owner builds = new CollectionStats.Owner("team-b", "builds");
      StateMetrics.register(state.get(StateMetrics.SCOPE), config("team.widget"), t -> widgets, Clock.systemUTC(),
          100, StateMetrics.DEFAULT_MAX_ATTRIBUTE_LENGTH, stats, new StateMetrics.Scope(builds,
              Attributes.of(AttributeKey.stringKey("k8s.namespace.name"), "team-b"), new SeriesLimit(2)));
      stats.status(builds, new CollectionStats.OwnerStatus(false, "SeriesLimitExceeded"));
      stats.status(new CollectionStats.Owner("team-a", "ci"), new CollectionStats.OwnerStatus(false, "Invalid"));
      stats.status(new CollectionStats.Owner("team-c", "nightly"), new CollectionStats.OwnerStatus(true, "Accepted"));
      telemetry.reload().failed();

      String exposition = scrape(stateReader) + scrape(selfReader);
      return Exposition.parse(exposition);
    }
  }

  private static CompiledConfig config(String prefix) {
    return Compiler.compile(ConfigLoader.parse(prefix + ".yaml", WIDGETS.formatted(prefix), new Problems()));
  }

  private static Map<String, Object> widget(String name, Object size) {
    return Map.of("metadata", Map.of("name", name), "spec", Map.of("size", size));
  }

  private static String scrape(PrometheusReader reader) throws Exception {
    StringWriter out = new StringWriter();
    reader.scrape(ExpositionFormat.TEXT, out);
    return out.toString();
  }
}
