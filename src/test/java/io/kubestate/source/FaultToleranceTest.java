package io.kubestate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubestate.expr.WatchTarget;
import io.kubestate.testing.Crds;
import io.kubestate.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Kinds fail and recover independently: missing RBAC, missing CRDs, CRDs that come and go. */
@EnableKubernetesMockClient(crud = true)
class FaultToleranceTest {
  private static final WatchTarget RUNS = new WatchTarget("tekton.dev", List.of("v1"), "PipelineRun", null, null);
  private static final WatchTarget TASKS = new WatchTarget("tekton.dev", List.of("v1"), "TaskRun", null, null);

  KubernetesMockServer server;
  KubernetesClient client;
  private InformerSource source;
  private KubernetesClient noRetries;
  private LogCapture logs;

  @BeforeEach
  void captureLogs() {
    logs = LogCapture.of("io.kubestate.source");
  }

  @AfterEach
  void stop() {
    logs.close();
    if (source != null) {
      source.close();
    }
    if (noRetries != null) {
      noRetries.close();
    }
  }

  private boolean up(String kind) {
    return source.statuses().stream().filter(s -> s.kind().equals(kind)).allMatch(WatchStatus::up)
        && source.statuses().stream().anyMatch(s -> s.kind().equals(kind));
  }

  private void createRun(String name) {
    client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace("ci").resource(
        new GenericKubernetesResourceBuilder().withApiVersion("tekton.dev/v1").withKind("PipelineRun")
            .withNewMetadata().withName(name).withNamespace("ci").endMetadata().build()).create();
  }

  @Test
  void forbiddenAtTheFirstListIsSaidOnceAndRecoversWhenGranted() {
    Crds.installTekton(client);
    createRun("r1");
    server.expect().get().withPath("/apis/tekton.dev/v1/pipelineruns?limit=500")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").build()).times(3);

    source = InformerSource.start(client, List.of(RUNS, TASKS), List.of());
    await().atMost(Duration.ofSeconds(15)).until(() -> up("TaskRun"));
    assertThat(up("PipelineRun")).isFalse();
    assertThat(source.ready()).isFalse();
    await().atMost(Duration.ofSeconds(30)).until(() -> up("PipelineRun"));
    assertThat(source.objects(RUNS)).hasSize(1);
    assertThat(logs.messages()).filteredOn(l -> l.startsWith("forbidden:")).singleElement().asString()
        .contains("cannot list and watch pipelineruns.tekton.dev in all namespaces")
        .contains("grant the verbs list and watch");
    assertThat(logs.messages()).contains("pipelineruns recovered");
  }

  @Test
  void anApiThatDoesNotAnswerAtStartIsRetriedUntilItDoes() {
    Crds.installTekton(client);
    createRun("r1");
    server.expect().get().withPath("/apis/tekton.dev/v1")
        .andReturn(503, new StatusBuilder().withCode(503).withReason("ServiceUnavailable").build()).times(3);
    // As the exporter's own client: no request retries of its own, the source retries with backoff.
    noRetries = new KubernetesClientBuilder().withConfig(
        new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();

    source = InformerSource.start(noRetries, List.of(RUNS), List.of());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.messages())
        .anySatisfy(l -> assertThat(l).startsWith("cannot ask the API about PipelineRun")));
    assertThat(source.states()).containsEntry(RUNS, KindState.WAITING);
    assertThat(source.ready()).as("an API that cannot be asked holds readiness back").isFalse();
    assertThat(source.statuses()).singleElement().satisfies(s -> assertThat(s.up()).isFalse());
    await().atMost(Duration.ofSeconds(30)).until(() -> up("PipelineRun"));
    assertThat(source.objects(RUNS)).hasSize(1);
    assertThat(source.ready()).isTrue();
  }

  @Test
  void aKindWaitsForItsCrdStartsWhenItAppearsAndStopsWhenItIsDeleted() {
    Crds.install(client, Crds.namespaced("tekton.dev", "v1", "TaskRun", "taskruns"));
    source = InformerSource.start(client, List.of(RUNS, TASKS), List.of());
    await().atMost(Duration.ofSeconds(15)).until(() -> up("TaskRun"));
    assertThat(source.states()).containsEntry(RUNS, KindState.NOT_SERVED);
    assertThat(source.ready()).as("a kind whose CRD is not installed does not hold readiness").isTrue();
    assertThat(logs.messages()).anySatisfy(l -> assertThat(l).contains("serves none of the versions [v1] of PipelineRun"));

    Crds.install(client, Crds.PIPELINE_RUNS);
    createRun("r1");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(source.objects(RUNS)).hasSize(1));

    client.apiextensions().v1().customResourceDefinitions().withName("pipelineruns.tekton.dev").delete();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(source.objects(RUNS)).isEmpty();
      assertThat(source.states()).containsEntry(RUNS, KindState.NOT_SERVED);
    });
    assertThat(up("TaskRun")).isTrue();
    assertThat(logs.messages()).anySatisfy(l -> assertThat(l).contains("pipelineruns.tekton.dev was deleted"));
  }

  @Test
  void replacingTargetsKeepsTheWatchesStillNeeded() {
    Crds.installTekton(client);
    createRun("r1");
    source = InformerSource.start(client, List.of(RUNS), List.of());
    await().atMost(Duration.ofSeconds(15)).until(source::ready);
    Iterable<?> before = source.objects(RUNS);

    source.replaceTargets(List.of(RUNS, TASKS));
    await().atMost(Duration.ofSeconds(15)).until(() -> source.ready() && source.states().size() == 2);
    assertThat(source.objects(RUNS)).isSameAs(before);

    source.replaceTargets(List.of(TASKS));
    await().atMost(Duration.ofSeconds(5)).until(() -> source.states().size() == 1);
    assertThat(source.objects(RUNS)).isEmpty();
  }
}
