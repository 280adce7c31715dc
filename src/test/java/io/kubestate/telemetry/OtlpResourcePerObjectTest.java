package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.CompiledFamily;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.WatchTarget;
import io.kubestate.source.FileSource;
import io.kubestate.testing.MutableObjectStore;
import io.kubestate.testing.OtlpReceiver;
import io.kubestate.testing.OtlpReceiver.Point;
import io.kubestate.testing.Scrape;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Resource per object over OTLP, through the real exporter into the test receiver: off, every
 * state point shares the exporter's Resource and names its object itself; on, each object's points
 * sit under a Resource of its own that names it, counts stay on the exporter's Resource, a deleted
 * object's Resource goes, and the Prometheus endpoint does not change.
 */
class OtlpResourcePerObjectTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-08-24T12:00:00Z"), ZoneOffset.UTC);
  private static final Map<String, String> SERVICE = Map.of("service.name", "kso-test", "service.version", "1.2.3",
      "service.instance.id", "instance-1", "k8s.cluster.name", "test-cluster");
  /** The kinds whose preset families carry k8s.<kind>.name; the gateway-api preset keeps kube-state-metrics' labels. */
  private static final List<String> OBJECT_KINDS = List.of("PipelineRun", "TaskRun", "Workload");
  private static final String REMOVED = "billing-api-on-push-r4m8d";

  private OtlpReceiver receiver;
  private Telemetry telemetry;
  private StateMetrics metrics;
  private CompiledConfig compiled;
  private List<WatchTarget> targets;
  private MutableObjectStore store;

  @BeforeEach
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 10000, "test-cluster", "1.2.3", "instance-1",
        Map.of("otel.metrics.exporter", "otlp,prometheus",
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.exporter.otlp.endpoint", receiver.endpoint(),
            "otel.metric.export.interval", "300",
            "otel.service.name", "kso-test",
            "otel.resource.attributes", "k8s.pod.name=kso-0,k8s.node.name=node-a,deployment.environment.name=test")));
    compiled = Compiler.compile(ConfigLoader.load(List.of("tekton", "kueue", "gateway-api"), List.of()));
    targets = compiled.kinds().stream().map(KindMetrics::target).toList();
    store = MutableObjectStore.copyOf(FileSource.load(objectFiles(), targets), targets);
    metrics = StateMetrics.register(telemetry.meter(StateMetrics.SCOPE, "test"), compiled, store, CLOCK, 10000);
  }

  @AfterEach
  void close() {
    metrics.close();
    telemetry.close();
    receiver.close();
  }

  @Test
  void offEveryPointSharesTheExportersResourceAndNamesItsObject() {
    assertThat(telemetry.resourcePerObject()).isFalse();
    ExportMetricsServiceRequest request = awaitExport(1);
    assertThat(stateResources(request)).singleElement().satisfies(r -> assertThat(r).containsAllEntriesOf(SERVICE)
        .doesNotContainKeys("k8s.namespace.name", "k8s.pipelinerun.name"));
    List<Point> points = receiver.points(StateMetrics.SCOPE);
    assertThat(points).filteredOn(p -> p.metric().equals("tekton.pipelinerun.info")).isNotEmpty()
        .allSatisfy(p -> assertThat(p.attributes())
            .containsKeys("k8s.namespace.name", "k8s.pipelinerun.name", "k8s.pipelinerun.uid"));
  }

  @Test
  void onEachObjectHasAResourceNamingItAndItsPointsKeepTheRest() {
    awaitExport(1);
    List<Point> off = receiver.points(StateMetrics.SCOPE);
    Map<String, String> base = off.get(0).resource();
    assertThat(base).containsEntry("k8s.pod.name", "kso-0").containsEntry("k8s.node.name", "node-a");

    List<Point> on = switchOn();
    List<Map<String, String>> resources = stateResources(awaitExport(2));
    assertThat(new HashSet<>(resources)).as("one ResourceMetrics per Resource").hasSameSizeAs(resources);
    Set<Map<String, String>> expected = new HashSet<>();
    expected.add(base);
    for (String kind : OBJECT_KINDS) {
      for (Map<String, Object> o : store.objects(target(kind))) {
        expected.add(objectResource(base, kind, o));
      }
    }
    assertThat(resources).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(resources).allSatisfy(r -> assertThat(r).containsAllEntriesOf(SERVICE)
        .containsEntry("deployment.environment.name", "test"));

    // Under an object's Resource, no point names the object again.
    for (Point p : on.stream().filter(p -> !p.resource().equals(base)).toList()) {
      Set<String> identity = new HashSet<>(p.resource().keySet());
      identity.removeAll(base.keySet());
      assertThat(identity).contains("k8s.namespace.name");
      assertThat(p.attributes()).as("%s", p).doesNotContainKeys(identity.toArray(String[]::new));
    }
    // Counts across objects, and the kube-state-metrics-shaped gateway families, stay on the exporter's Resource.
    Set<String> aggregated = families().filter(f -> f.aggregate() != null).map(CompiledFamily::name)
        .collect(Collectors.toSet());
    assertThat(aggregated).contains("tekton.pipelineruns", "tekton.taskruns");
    assertThat(on).filteredOn(p -> aggregated.contains(p.metric())).isNotEmpty()
        .allSatisfy(p -> assertThat(p.resource()).isEqualTo(base))
        .allSatisfy(p -> assertThat(p.attributes()).containsKey("k8s.namespace.name"));
    assertThat(on).filteredOn(p -> p.metric().startsWith("gatewayapi_")).isNotEmpty()
        .allSatisfy(p -> assertThat(p.resource()).isEqualTo(base))
        .allSatisfy(p -> assertThat(p.attributes()).containsKey("name"));

    // Put back on each point what its Resource took from it: the same points as with the option off.
    assertThat(rejoined(on, base, attributeKeys(off))).containsExactlyInAnyOrderElementsOf(rejoined(off, base,
        attributeKeys(off)));
  }

  @Test
  void deletingAnObjectRemovesItsResourceFromTheNextExport() {
    List<Point> before = switchOn();
    Set<Map<String, String>> resourcesBefore = before.stream().map(Point::resource).collect(Collectors.toSet());
    assertThat(resourcesBefore).anySatisfy(r -> assertThat(r).containsEntry("k8s.pipelinerun.name", REMOVED));

    assertThat(store.remove(target("PipelineRun"), o -> REMOVED.equals(meta(o, "name")))).hasSize(1);
    receiver.clear();
    List<Point> after = awaitPoints(2);

    Set<Map<String, String>> resourcesAfter = after.stream().map(Point::resource).collect(Collectors.toSet());
    Set<Map<String, String>> gone = new HashSet<>(resourcesBefore);
    gone.removeAll(resourcesAfter);
    assertThat(gone).singleElement().satisfies(r -> assertThat(r).containsEntry("k8s.pipelinerun.name", REMOVED));
    assertThat(resourcesAfter).isSubsetOf(resourcesBefore);
  }

  @Test
  void thePrometheusEndpointIsTheSameEitherWay() {
    awaitExport(1);
    Map<String, Double> off = stateSamples();
    switchOn();
    Map<String, Double> on = stateSamples();
    assertThat(on).isNotEmpty().containsExactlyInAnyOrderEntriesOf(off);
    assertThat(off.keySet()).anySatisfy(s -> assertThat(s).contains("k8s_pipelinerun_name=\"" + REMOVED + "\""));
  }

  /** Turns the option on and returns the points of an export made after it. */
  private List<Point> switchOn() {
    telemetry.resourcePerObject(true);
    receiver.clear();
    // The first request may have been collected before the switch.
    return awaitPoints(2);
  }

  private ExportMetricsServiceRequest awaitExport(int exports) {
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
        .until(() -> receiver.requestsWithScope(StateMetrics.SCOPE).size() >= exports);
    List<ExportMetricsServiceRequest> requests = receiver.requestsWithScope(StateMetrics.SCOPE);
    return requests.get(requests.size() - 1);
  }

  private List<Point> awaitPoints(int exports) {
    awaitExport(exports);
    return receiver.points(StateMetrics.SCOPE);
  }

  /** The Resource attributes of each ResourceMetrics of {@code request} that holds state metrics. */
  private static List<Map<String, String>> stateResources(ExportMetricsServiceRequest request) {
    List<Map<String, String>> out = new ArrayList<>();
    for (ResourceMetrics rm : request.getResourceMetricsList()) {
      if (rm.getScopeMetricsList().stream().anyMatch(s -> s.getScope().getName().equals(StateMetrics.SCOPE))) {
        Map<String, String> attributes = new HashMap<>();
        for (KeyValue kv : rm.getResource().getAttributesList()) {
          attributes.put(kv.getKey(), kv.getValue().getStringValue());
        }
        out.add(attributes);
      }
    }
    return out;
  }

  /** {@code base} without where the exporter itself runs, with the object's namespace, name and uid. */
  private static Map<String, String> objectResource(Map<String, String> base, String kind, Map<String, Object> o) {
    Map<String, String> r = new HashMap<>(base);
    r.remove("k8s.pod.name");
    r.remove("k8s.node.name");
    String prefix = "k8s." + kind.toLowerCase(Locale.ROOT) + ".";
    Map.of("k8s.namespace.name", "namespace", prefix + "name", "name", prefix + "uid", "uid").forEach((key, field) -> {
      if (meta(o, field) instanceof String value) {
        r.put(key, value);
      }
    });
    return r;
  }

  /** The attribute keys each metric's points carry with the option off. */
  private static Map<String, Set<String>> attributeKeys(List<Point> points) {
    Map<String, Set<String>> out = new HashMap<>();
    points.forEach(p -> out.computeIfAbsent(p.metric(), m -> new HashSet<>()).addAll(p.attributes().keySet()));
    return out;
  }

  /**
   * Each point with the attributes its Resource holds beyond {@code base} put back, where its metric
   * has them: the uid is on an object's Resource for all its points, though only its info family carries it.
   */
  private static List<Point> rejoined(List<Point> points, Map<String, String> base, Map<String, Set<String>> keys) {
    List<Point> out = new ArrayList<>();
    for (Point p : points) {
      Map<String, String> attributes = new TreeMap<>(p.attributes());
      p.resource().forEach((k, v) -> {
        if (!base.containsKey(k) && keys.get(p.metric()).contains(k)) {
          assertThat(attributes.put(k, v)).as("%s also on the point %s", k, p).isNull();
        }
      });
      out.add(new Point(p.metric(), p.unit(), attributes, p.value(), base));
    }
    return out;
  }

  private Map<String, Double> stateSamples() {
    Set<String> names = new HashSet<>();
    PrometheusNames naming = new PrometheusNames();
    families().forEach(f -> names.add(naming.metric(f.name(), f.unit())));
    Map<String, Double> out = new HashMap<>();
    for (String line : Scrape.text(telemetry.prometheusPort()).split("\n")) {
      int end = line.indexOf('{') > 0 ? line.indexOf('{') : line.indexOf(' ');
      if (!line.startsWith("#") && end > 0 && names.contains(line.substring(0, end))) {
        int space = line.lastIndexOf(' ');
        out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      }
    }
    return out;
  }

  private Stream<CompiledFamily> families() {
    return compiled.kinds().stream().flatMap(k -> k.families().stream());
  }

  private WatchTarget target(String kind) {
    return targets.stream().filter(t -> t.kind().equals(kind)).findFirst().orElseThrow();
  }

  private static Object meta(Map<String, Object> object, String field) {
    return object.get("metadata") instanceof Map<?, ?> m ? m.get(field) : null;
  }

  private static List<Path> objectFiles() throws Exception {
    Path dir = Path.of(OtlpResourcePerObjectTest.class.getResource("/objects").toURI());
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }
}
