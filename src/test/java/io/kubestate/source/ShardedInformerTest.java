package io.kubestate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubestate.config.ConfigLoader;
import io.kubestate.config.FamilyConfig;
import io.kubestate.config.MetricsConfig;
import io.kubestate.config.ResourceConfig;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.WatchTarget;
import io.kubestate.telemetry.PrometheusRendering;
import io.kubestate.testing.Crds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three shards and one unsharded exporter watch the same API mock server: together the shards
 * export exactly the unsharded series, each object's once, and their partial counts of an
 * aggregated family add up to the unsharded count.
 */
@EnableKubernetesMockClient(crud = true)
class ShardedInformerTest {
  private static final int SHARDS = 3;
  private static final ResourceDefinitionContext TASK_RUNS = Crds.namespaced("tekton.dev", "v1", "TaskRun", "taskruns");
  private static final List<String> RUN_STATES = List.of("cancelled", "failed", "pending-queued", "running",
      "succeeded", "timeout");
  private static final List<String> TASK_STATES = List.of("imagepullfailed", "pending-node-resources", "running",
      "succeeded");
  private static final Clock NOW = Clock.fixed(Instant.parse("2026-08-24T10:00:00Z"), ZoneOffset.UTC);

  KubernetesClient client;

  private final List<InformerSource> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(InformerSource::close);
  }

  @Test
  void shardsTogetherExportTheUnshardedSeriesOnce() {
    Crds.installTekton(client);
    // In parallel: the mock server takes a while per request.
    IntStream.range(0, 60).parallel().forEach(i ->
        create(Crds.PIPELINE_RUNS, "pipelinerun", RUN_STATES.get(i % RUN_STATES.size()), "run-" + i, "team-" + i % 3));
    IntStream.range(0, 20).parallel().forEach(i ->
        create(TASK_RUNS, "taskrun", TASK_STATES.get(i % TASK_STATES.size()), "task-" + i, "team-" + i % 2));
    Set<String> uids = new HashSet<>();
    client.genericKubernetesResources(Crds.PIPELINE_RUNS).inAnyNamespace().list().getItems()
        .forEach(r -> uids.add(r.getMetadata().getUid()));
    assertThat(uids).as("the mock server gives every object a UID of its own").hasSize(60);

    MetricsConfig metricsConfig = ConfigLoader.load(List.of("tekton"), List.of());
    CompiledConfig config = Compiler.compile(metricsConfig);
    List<WatchTarget> targets = config.kinds().stream().map(KindMetrics::target).toList();
    InformerSource all = start(targets, Sharding.NONE);
    List<InformerSource> shards = new ArrayList<>();
    for (int i = 0; i < SHARDS; i++) {
      shards.add(start(targets, new Sharding(i, SHARDS)));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> all.ready() && shards.stream().allMatch(InformerSource::ready));

    // Ready means every shard has cached all of its objects, though it holds only a part of them.
    for (WatchTarget t : targets) {
      int total = all.objectCounts().get(t);
      assertThat(total).isEqualTo(t.kind().equals("PipelineRun") ? 60 : 20);
      if (total == 60) {
        assertThat(shards).allSatisfy(s -> assertThat(s.objectCounts().get(t)).isPositive().isLessThan(total));
      }
      assertThat(shards.stream().mapToInt(s -> s.objectCounts().get(t)).sum()).isEqualTo(total);
    }
    Set<String> aggregated = aggregatedFamilies(metricsConfig);
    assertThat(aggregated).contains("tekton_pipelineruns", "tekton_taskruns");
    assertShardsAddUp(config, all, shards, aggregated);

    // Watch events go to the owning shard: updates, deletions and new objects.
    for (int i = 0; i < 10; i++) {
      GenericKubernetesResource run = client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace("team-" + i % 3)
          .withName("run-" + i).get();
      @SuppressWarnings("unchecked")
      Map<String, Object> status = (Map<String, Object>) run.getAdditionalProperties().get("status");
      status.put("conditions", List.of(Map.of("type", "Succeeded", "status", "False", "reason", "Cancelled")));
      client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace("team-" + i % 3).resource(run).update();
    }
    for (int i = 50; i < 60; i++) {
      client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace("team-" + i % 3).withName("run-" + i).delete();
    }
    IntStream.range(60, 70).parallel().forEach(i ->
        create(Crds.PIPELINE_RUNS, "pipelinerun", RUN_STATES.get(i % RUN_STATES.size()), "run-" + i, "team-" + i % 3));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      String unsharded = PrometheusRendering.render(config, all, NOW, 100_000);
      assertThat(unsharded).contains("run-65").doesNotContain("run-55");
      assertThat(samples(unsharded, "tekton_pipelinerun_condition"))
          .filteredOn(l -> l.contains("k8s_pipelinerun_name=\"run-3\"")).singleElement().asString()
          .contains("condition_reason=\"Cancelled\"");
      assertShardsAddUp(config, all, shards, aggregated);
    });
  }

  private void assertShardsAddUp(CompiledConfig config, InformerSource all, List<InformerSource> shards,
      Set<String> aggregated) {
    List<String> unsharded = samples(PrometheusRendering.render(config, all, NOW, 100_000));
    List<String> perObject = new ArrayList<>();
    Map<String, Double> sums = new TreeMap<>();
    for (InformerSource shard : shards) {
      for (String line : samples(PrometheusRendering.render(config, shard, NOW, 100_000))) {
        if (aggregated.contains(family(line))) {
          sums.merge(series(line), value(line), Double::sum);
        } else {
          perObject.add(line);
        }
      }
    }
    List<String> expectedPerObject = unsharded.stream().filter(l -> !aggregated.contains(family(l))).toList();
    assertThat(expectedPerObject).hasSizeGreaterThan(100);
    assertThat(perObject).as("per-object series of all shards: no duplicate, none missing")
        .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expectedPerObject);

    Map<String, Double> expectedSums = new TreeMap<>();
    unsharded.stream().filter(l -> aggregated.contains(family(l))).forEach(l -> expectedSums.put(series(l), value(l)));
    assertThat(expectedSums).hasSizeGreaterThan(5);
    assertThat(sums).as("partial counts summed across shards").isEqualTo(expectedSums);
  }

  private InformerSource start(List<WatchTarget> targets, Sharding sharding) {
    InformerSource source = InformerSource.start(client, targets, List.of(), sharding);
    running.add(source);
    return source;
  }

  private void create(ResourceDefinitionContext kind, String type, String state, String name, String namespace) {
    String yaml;
    try {
      yaml = Files.readString(Path.of("src/test/resources/objects/tekton", "tekton-" + type + "-" + state + ".yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    GenericKubernetesResource r = client.getKubernetesSerialization().unmarshal(yaml, GenericKubernetesResource.class);
    r.getMetadata().setName(name);
    r.getMetadata().setNamespace(namespace);
    r.getMetadata().setUid(null);
    r.getMetadata().setResourceVersion(null);
    client.genericKubernetesResources(kind).inNamespace(namespace).resource(r).create();
  }

  private static Set<String> aggregatedFamilies(MetricsConfig config) {
    Set<String> out = new HashSet<>();
    for (ResourceConfig r : config.resources()) {
      for (FamilyConfig f : r.families()) {
        if (f.aggregate() != null) {
          out.add(f.name().replace('.', '_'));
        }
      }
    }
    return out;
  }

  private static List<String> samples(String exposition) {
    return exposition.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static List<String> samples(String exposition, String family) {
    return samples(exposition).stream().filter(l -> family(l).equals(family)).toList();
  }

  private static String family(String line) {
    int end = line.indexOf('{');
    return line.substring(0, end < 0 ? line.indexOf(' ') : end);
  }

  private static String series(String line) {
    return line.substring(0, line.lastIndexOf(' '));
  }

  private static double value(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
