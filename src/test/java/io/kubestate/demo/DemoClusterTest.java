package io.kubestate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DemoClusterTest {
  private static final Instant NOW = Instant.parse("2026-08-24T12:00:00Z");
  private static final String NOW_TIMESTAMP = "2026-08-24T12:00:00Z";
  private static final String PENDING = "PipelineRunPending";
  /** The runs Kueue queues, and two test runs of the Tanzu supply chain. */
  private static final int SEEDED_RUNS = 14;

  @RegisterExtension final DemoUnderTest demo = new DemoUnderTest(42L, NOW);

  @Test
  void servesEstablishedDefinitionsAndDiscovery() {
    List<CustomResourceDefinition> definitions =
        demo.client().apiextensions().v1().customResourceDefinitions().list().getItems();
    assertThat(definitions)
        .extracting(definition -> definition.getMetadata().getName())
        .contains("pipelineruns.tekton.dev", "taskruns.tekton.dev", "workloads.kueue.x-k8s.io",
            "gatewayclasses.gateway.networking.k8s.io", "argocds.argoproj.io", "workloads.carto.run",
            "services.serving.knative.dev", "clusterinstanceclasses.services.apps.tanzu.vmware.com");
    assertThat(definitions).allSatisfy(definition -> assertThat(definition.getStatus().getConditions())
        .anySatisfy(condition -> {
          assertThat(condition.getType()).isEqualTo("Established");
          assertThat(condition.getStatus()).isEqualTo("True");
        }));

    assertThat(resources("tekton.dev/v1")).containsExactlyInAnyOrder(
        "PipelineRun pipelineruns", "PipelineRun pipelineruns/status",
        "TaskRun taskruns", "TaskRun taskruns/status");
    assertThat(resources("kueue.x-k8s.io/v1beta1"))
        .containsExactlyInAnyOrder("Workload workloads", "Workload workloads/status");
    assertThat(resources("kueue.x-k8s.io/v1beta2"))
        .containsExactlyInAnyOrder("Workload workloads", "Workload workloads/status");
    assertThat(demo.client().getApiGroups().getGroups())
        .extracting(group -> group.getName() + " " + group.getPreferredVersion().getVersion())
        .contains("apiextensions.k8s.io v1", "tekton.dev v1", "kueue.x-k8s.io v1beta2",
            "gateway.networking.k8s.io v1", "argoproj.io v1beta1", "kuadrant.io v1");
    assertThat(definitions).filteredOn(definition -> definition.getSpec().getScope().equals("Cluster"))
        .extracting(definition -> definition.getSpec().getNames().getKind())
        .containsExactlyInAnyOrder("GatewayClass", "ClusterInstanceClass");
    assertThat(demo.client().getKubernetesVersion().getGitVersion()).isEqualTo("v1.33.0");
    assertThat(demo.client().genericKubernetesResources("tekton.dev/v1", "PipelineRun")
        .inAnyNamespace().list().getItems()).hasSize(SEEDED_RUNS);
  }

  @Test
  void seedsPipelineRunsInEveryState() {
    List<GenericKubernetesResource> runs = queued(DemoKinds.PIPELINE_RUNS);

    assertThat(runs)
        .extracting(run -> succeeded(run).get("status") + "/" + succeeded(run).get("reason"))
        .contains("Unknown/" + PENDING, "Unknown/Running", "True/Succeeded", "True/Completed",
            "False/Failed", "False/PipelineRunTimeout", "False/Cancelled",
            "False/CouldntGetPipeline");
    assertThat(runs).allSatisfy(run -> {
      assertThat(run.getMetadata().getUid()).isNotBlank();
      assertThat(Instant.parse(run.getMetadata().getCreationTimestamp())).isBefore(NOW);
      assertThat(succeeded(run).get("lastTransitionTime")).isNotNull();
      assertThat(run.getMetadata().getLabels()).containsKey("tekton.dev/pipeline");
    });

    GenericKubernetesResource queued = withReason(runs, PENDING);
    assertThat(queued.<String>get("spec", "status")).isEqualTo(PENDING);
    assertThat(queued.<String>get("status", "startTime")).isNull();
    assertThat(queued.getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "pipelines-queue");
    assertThat(queued.getMetadata().getCreationTimestamp()).isEqualTo("2026-08-24T11:57:00Z");

    GenericKubernetesResource running = named(runs, "frontend-on-push-r4m8d");
    assertThat(succeeded(running)).containsEntry("reason", "Running").containsEntry("message",
        "Tasks Completed: 1 (Failed: 0, Cancelled 0), Incomplete: 2, Skipped: 0");
    assertThat(running.<String>get("status", "startTime")).isNotNull();
    assertThat(running.<String>get("spec", "status")).isNull();

    assertThat(runs).filteredOn(run -> !"Unknown".equals(succeeded(run).get("status")))
        .hasSize(9)
        .allSatisfy(run -> {
          assertThat(run.<String>get("status", "startTime")).isNotNull();
          assertThat(run.<String>get("status", "completionTime")).isNotNull();
        });
    assertThat(runs).filteredOn(run -> "Cancelled".equals(succeeded(run).get("reason")))
        .extracting(run -> run.<String>get("spec", "status"))
        .containsExactlyInAnyOrder("Cancelled", "StoppedRunFinally", "StoppedRunFinally");
    assertThat(runs).filteredOn(run -> run.get("spec", "pipelineRef", "name") == null).hasSize(1);
  }

  @Test
  void seedsTaskRunsLabelledWithTheirPipelineRun() {
    List<GenericKubernetesResource> taskRuns = queued(DemoKinds.TASK_RUNS);
    Set<String> runNames = names(queued(DemoKinds.PIPELINE_RUNS));

    assertThat(taskRuns).extracting(taskRun -> succeeded(taskRun).get("reason")).contains(
        "Running", "Succeeded", "TaskRunImagePullFailed", "ExceededNodeResources", "Failed");
    assertThat(taskRuns).allSatisfy(taskRun -> {
      Map<String, String> labels = taskRun.getMetadata().getLabels();
      assertThat(labels)
          .containsKeys("tekton.dev/pipeline", "tekton.dev/task", "tekton.dev/pipelineTask");
      assertThat(runNames).contains(labels.get("tekton.dev/pipelineRun"));
    });
    GenericKubernetesResource waiting = withReason(taskRuns, "ExceededNodeResources");
    assertThat(succeeded(waiting)).containsEntry("status", "Unknown");
    assertThat(waiting.<String>get("status", "startTime")).isNull();
    assertThat(succeeded(withReason(taskRuns, "Failed")))
        .containsEntry("message", "\"build\" exited with code 1");
  }

  @Test
  void seedsWorkloadsOwnedByThePipelineRuns() {
    Map<String, GenericKubernetesResource> runsByUid = queued(DemoKinds.PIPELINE_RUNS).stream()
        .collect(Collectors.toMap(run -> run.getMetadata().getUid(), run -> run));
    List<GenericKubernetesResource> workloads = list(DemoKinds.WORKLOADS);

    assertThat(workloads).hasSize(runsByUid.size()).allSatisfy(workload -> {
      OwnerReference owner = workload.getMetadata().getOwnerReferences().get(0);
      assertThat(owner.getKind()).isEqualTo("PipelineRun");
      assertThat(owner.getController()).isTrue();
      assertThat(runsByUid).containsKey(owner.getUid());
      assertThat(workload.getMetadata().getLabels())
          .containsEntry("kueue.x-k8s.io/job-uid", owner.getUid());
      assertThat(workload.getMetadata().getName())
          .matches("pipelinerun-" + owner.getName() + "-[0-9a-f]{5}");
      assertThat(workload.<String>get("spec", "queueName")).isEqualTo("pipelines-queue");
      assertThat(workload.<String>get("spec", "podSets", 0, "name")).isEqualTo("pod-set-1");
    });

    GenericKubernetesResource pending = workloads.stream()
        .filter(workload -> "Pending".equals(condition(workload, "QuotaReserved").get("reason")))
        .collect(onlyOne());
    assertThat(condition(pending, "QuotaReserved"))
        .containsEntry("reason", "Pending")
        .containsEntry("message", Workloads.PENDING_MESSAGE);
    assertThat(ownerOf(pending, runsByUid).getMetadata().getName())
        .isEqualTo("frontend-on-push-q7k2x");

    assertThat(workloads).filteredOn(workload -> workload != pending && condition(workload, "Evicted").isEmpty())
        .hasSize(workloads.size() - 3).allSatisfy(workload -> {
      assertThat(workload.<String>get("status", "admission", "clusterQueue"))
          .isEqualTo("cluster-pipelines");
      assertThat(condition(workload, "Admitted")).containsEntry("status", "True");
    });
    assertThat(workloads).filteredOn(workload -> !condition(workload, "Finished").isEmpty())
        .hasSize(9)
        .allSatisfy(workload -> {
          Object runStatus = succeeded(ownerOf(workload, runsByUid)).get("status");
          assertThat(condition(workload, "Finished"))
              .containsEntry("reason", "True".equals(runStatus) ? "Succeeded" : "Failed");
        });
  }

  @Test
  void simulatedRunIsQueuedAdmittedFinishedAndDeleted() {
    DemoSimulator simulator = demo.cluster().simulator();
    Set<String> seeded = names(list(DemoKinds.PIPELINE_RUNS));

    tickUntil(simulator, () -> list(DemoKinds.PIPELINE_RUNS).size() > seeded.size(), 10);
    GenericKubernetesResource created = list(DemoKinds.PIPELINE_RUNS).stream()
        .filter(run -> !seeded.contains(run.getMetadata().getName()))
        .collect(onlyOne());
    String name = created.getMetadata().getName();
    String namespace = created.getMetadata().getNamespace();
    assertThat(created.<String>get("spec", "status")).isEqualTo(PENDING);
    assertThat(succeeded(created)).containsEntry("reason", PENDING);
    assertThat(created.<String>get("status", "startTime")).isNull();
    assertThat(condition(workloadOf(created).orElseThrow(), "QuotaReserved"))
        .containsEntry("status", "False");

    tickUntil(simulator,
        () -> !PENDING.equals(succeeded(pipelineRun(namespace, name)).get("reason")), 30);
    GenericKubernetesResource started = pipelineRun(namespace, name);
    assertThat(started.<String>get("spec", "status")).isNull();
    assertThat(started.<String>get("status", "startTime")).isEqualTo(NOW_TIMESTAMP);
    assertThat(taskRunsOf(namespace, name)).isNotEmpty();
    GenericKubernetesResource admitted = workloadOf(started).orElseThrow();
    assertThat(admitted.<String>get("status", "admission", "clusterQueue"))
        .isEqualTo("cluster-pipelines");
    assertThat(condition(admitted, "Admitted")).containsEntry("status", "True");

    tickUntil(simulator,
        () -> !"Unknown".equals(succeeded(pipelineRun(namespace, name)).get("status")), 40);
    GenericKubernetesResource finished = pipelineRun(namespace, name);
    assertThat(finished.<String>get("status", "completionTime")).isEqualTo(NOW_TIMESTAMP);
    assertThat(taskRunsOf(namespace, name)).allSatisfy(
        taskRun -> assertThat(succeeded(taskRun).get("status")).isNotEqualTo("Unknown"));
    assertThat(condition(workloadOf(finished).orElseThrow(), "Finished"))
        .containsEntry("status", "True")
        .containsEntry("message", succeeded(finished).get("message"));

    tickUntil(simulator, () -> pipelineRun(namespace, name) == null, 40);
    assertThat(taskRunsOf(namespace, name)).isEmpty();
    assertThat(workloadOf(finished)).isEmpty();
    assertThat(names(list(DemoKinds.PIPELINE_RUNS)))
        .containsAll(seeded)
        .hasSizeLessThanOrEqualTo(seeded.size() + 15);
  }

  @Test
  void informerReceivesTheSimulatedChanges() {
    List<GenericKubernetesResource> added = new CopyOnWriteArrayList<>();
    List<GenericKubernetesResource> updated = new CopyOnWriteArrayList<>();
    SharedIndexInformer<GenericKubernetesResource> informer = demo.client()
        .genericKubernetesResources(DemoKinds.PIPELINE_RUNS)
        .inAnyNamespace()
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(GenericKubernetesResource run) {
            added.add(run);
          }

          @Override
          public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
            updated.add(after);
          }

          @Override
          public void onDelete(GenericKubernetesResource run, boolean finalStateUnknown) {
          }
        });
    try {
      await().atMost(Duration.ofSeconds(5)).until(() -> added.size() == SEEDED_RUNS);
      assertThat(updated).isEmpty();

      tickUntil(demo.cluster().simulator(), () -> added.size() > SEEDED_RUNS, 10);

      await().atMost(Duration.ofSeconds(5)).until(() -> !updated.isEmpty());
      assertThat(succeeded(updated.get(0))).containsEntry("reason", PENDING);
    } finally {
      informer.close();
    }
  }

  @Test
  void scheduledSimulationSurvivesRunsDeletedBehindItsBack() {
    Set<String> seeded = names(list(DemoKinds.PIPELINE_RUNS));
    demo.cluster().simulator().start(Duration.ofMillis(10));

    await().atMost(Duration.ofSeconds(10)).until(() -> simulatedRuns(seeded).size() >= 2);
    Set<String> deleted = simulatedRuns(seeded);
    list(DemoKinds.PIPELINE_RUNS).stream()
        .filter(run -> deleted.contains(run.getMetadata().getName()))
        .forEach(run -> demo.client().resource(run).delete());
    Set<String> existing = names(list(DemoKinds.PIPELINE_RUNS));

    await().atMost(Duration.ofSeconds(10)).until(() -> list(DemoKinds.PIPELINE_RUNS).stream()
        .filter(run -> !existing.contains(run.getMetadata().getName()))
        .anyMatch(run -> "Running".equals(succeeded(run).get("reason"))));
  }

  @Test
  void closeStopsTheServerAndCanBeRepeated() {
    demo.cluster().close();
    demo.cluster().close();

    assertThatThrownBy(() -> demo.client().namespaces().list())
        .isInstanceOf(KubernetesClientException.class);
  }

  private Set<String> simulatedRuns(Set<String> seeded) {
    return names(list(DemoKinds.PIPELINE_RUNS)).stream()
        .filter(name -> !seeded.contains(name))
        .collect(Collectors.toSet());
  }

  private static void tickUntil(DemoSimulator simulator, BooleanSupplier condition, int maxTicks) {
    for (int i = 0; i < maxTicks; i++) {
      simulator.tick();
      if (condition.getAsBoolean()) {
        return;
      }
    }
    fail("Condition not reached within %d ticks", maxTicks);
  }

  private List<String> resources(String groupVersion) {
    return demo.client().getApiResources(groupVersion).getResources().stream()
        .map(resource -> resource.getKind() + " " + resource.getName())
        .toList();
  }

  private List<GenericKubernetesResource> list(ResourceDefinitionContext kind) {
    return demo.client().genericKubernetesResources(kind).inAnyNamespace().list().getItems();
  }

  /** The objects of a kind in the namespaces whose runs Kueue queues. */
  private List<GenericKubernetesResource> queued(ResourceDefinitionContext kind) {
    return list(kind).stream()
        .filter(object -> DemoPipeline.NAMESPACES.contains(object.getMetadata().getNamespace()))
        .toList();
  }

  private GenericKubernetesResource pipelineRun(String namespace, String name) {
    return demo.client().genericKubernetesResources(DemoKinds.PIPELINE_RUNS)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  private List<GenericKubernetesResource> taskRunsOf(String namespace, String pipelineRun) {
    return demo.client().genericKubernetesResources(DemoKinds.TASK_RUNS)
        .inNamespace(namespace)
        .withLabel("tekton.dev/pipelineRun", pipelineRun)
        .list()
        .getItems();
  }

  private Optional<GenericKubernetesResource> workloadOf(GenericKubernetesResource pipelineRun) {
    return list(DemoKinds.WORKLOADS).stream()
        .filter(workload -> workload.getMetadata().getOwnerReferences().get(0).getUid()
            .equals(pipelineRun.getMetadata().getUid()))
        .findFirst();
  }

  private static GenericKubernetesResource ownerOf(
      GenericKubernetesResource workload, Map<String, GenericKubernetesResource> runsByUid) {
    return runsByUid.get(workload.getMetadata().getOwnerReferences().get(0).getUid());
  }

  private static GenericKubernetesResource named(
      List<GenericKubernetesResource> objects, String name) {
    return objects.stream()
        .filter(object -> name.equals(object.getMetadata().getName()))
        .collect(onlyOne());
  }

  private static GenericKubernetesResource withReason(
      List<GenericKubernetesResource> objects, String reason) {
    return objects.stream()
        .filter(object -> reason.equals(succeeded(object).get("reason")))
        .collect(onlyOne());
  }

  private static Map<String, Object> succeeded(GenericKubernetesResource object) {
    return condition(object, "Succeeded");
  }

  private static Map<String, Object> condition(GenericKubernetesResource object, String type) {
    List<Map<String, Object>> conditions = object.get("status", "conditions");
    if (conditions == null) {
      // A run is created first and given its status by a second write, as controllers do.
      return Map.of();
    }
    return conditions.stream()
        .filter(condition -> type.equals(condition.get("type")))
        .findFirst()
        .orElse(Map.of());
  }

  private static Set<String> names(List<GenericKubernetesResource> objects) {
    return objects.stream().map(object -> object.getMetadata().getName()).collect(Collectors.toSet());
  }

  private static <T> Collector<T, ?, T> onlyOne() {
    return Collectors.collectingAndThen(Collectors.toList(), items -> {
      assertThat(items).hasSize(1);
      return items.get(0);
    });
  }
}
