package io.kubestate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** States the demo shows besides its Tekton runs: Kueue evictions, and seeded objects that change. */
class DemoSimulatedStatesTest {
  private static final Instant NOW = Instant.parse("2026-08-24T12:00:00Z");

  @RegisterExtension final DemoUnderTest demo = new DemoUnderTest(7L, NOW);

  @Test
  void seedsAPreemptedAndADeactivatedWorkload() {
    List<GenericKubernetesResource> evicted = list(DemoKinds.WORKLOADS).stream()
        .filter(workload -> "True".equals(condition(workload, "Evicted").get("status")))
        .toList();

    assertThat(evicted).extracting(workload -> condition(workload, "Evicted").get("reason"))
        .containsExactlyInAnyOrder("Preempted", "Deactivated");
    assertThat(evicted).allSatisfy(workload -> {
      assertThat(condition(workload, "QuotaReserved")).containsEntry("status", "False");
      assertThat(condition(workload, "Admitted")).containsEntry("reason", "NoReservation");
      assertThat(workload.<Object>get("status", "admission")).isNull();
    });
    GenericKubernetesResource preempted = evicted.stream()
        .filter(workload -> !condition(workload, "Preempted").isEmpty()).findFirst().orElseThrow();
    assertThat(condition(preempted, "Preempted")).containsEntry("status", "True")
        .containsEntry("reason", "InClusterQueue");
    assertThat(condition(preempted, "Requeued")).containsEntry("reason", "Preempted");
    assertThat(evicted).filteredOn(workload -> Boolean.FALSE.equals(workload.get("spec", "active"))).hasSize(1);
  }

  @Test
  void simulatedWorkloadIsPreemptedAndItsRunStopped() {
    Set<String> seeded = names(list(DemoKinds.WORKLOADS));
    Predicate<GenericKubernetesResource> preempted = workload -> !seeded.contains(workload.getMetadata().getName())
        && "True".equals(condition(workload, "Preempted").get("status"));

    tickUntil(() -> list(DemoKinds.WORKLOADS).stream().anyMatch(preempted), 300);

    GenericKubernetesResource workload = list(DemoKinds.WORKLOADS).stream().filter(preempted).findFirst().orElseThrow();
    assertThat(condition(workload, "Evicted")).containsEntry("status", "True").containsEntry("reason", "Preempted");
    assertThat(condition(workload, "Finished")).containsEntry("reason", "Failed");
    GenericKubernetesResource run = demo.client().genericKubernetesResources(DemoKinds.PIPELINE_RUNS)
        .inNamespace(workload.getMetadata().getNamespace())
        .withName(workload.getMetadata().getOwnerReferences().get(0).getName())
        .get();
    assertThat(run.<String>get("spec", "status")).isEqualTo("StoppedRunFinally");
    assertThat(condition(run, "Succeeded")).containsEntry("status", "False").containsEntry("reason", "Cancelled");
  }

  @Test
  void gatewayListenerGoesUnprogrammedAndBack() {
    assertThat(listenerProgrammed()).isEqualTo("True");
    tickUntil(() -> "False".equals(listenerProgrammed()), 60);
    assertThat(condition(gateway(), "Programmed")).containsEntry("status", "False");
    tickUntil(() -> "True".equals(listenerProgrammed()), 60);
    assertThat(condition(gateway(), "Programmed")).containsEntry("status", "True");
  }

  @Test
  void argoCdServerRestartsAndTheInstanceBecomesAvailableAgain() {
    assertThat(argoCdStatus()).containsEntry("server", "Running").containsEntry("phase", "Available");
    tickUntil(() -> "Pending".equals(argoCdStatus().get("server")), 60);
    assertThat(argoCdStatus()).containsEntry("phase", "Pending");
    tickUntil(() -> "Running".equals(argoCdStatus().get("server")), 60);
    tickUntil(() -> "Available".equals(argoCdStatus().get("phase")), 60);
  }

  @Test
  void argoCdApplicationGoesOutOfSyncAndSyncsAgain() {
    tickUntil(() -> "OutOfSync".equals(application().get("status", "sync", "status")), 60);
    tickUntil(() -> "Progressing".equals(application().get("status", "health", "status")), 60);
    assertThat(application().<String>get("status", "sync", "status")).isEqualTo("Synced");
    tickUntil(() -> "Healthy".equals(application().get("status", "health", "status")), 60);
    assertThat(application().<String>get("status", "operationState", "phase")).isEqualTo("Succeeded");
  }

  @Test
  void knativeServiceAndFluxRepositoryFailAndRecover() {
    Map<ResourceDefinitionContext, String> namespaces = Map.of(
        DemoKinds.KNATIVE_SERVICES, Tanzu.RUN_NAMESPACE, DemoKinds.GIT_REPOSITORIES, Tanzu.BUILD_NAMESPACE);
    namespaces.forEach((kind, namespace) -> assertThat(ready(kind, namespace)).isEqualTo("True"));
    for (Map.Entry<ResourceDefinitionContext, String> entry : namespaces.entrySet()) {
      ResourceDefinitionContext kind = entry.getKey();
      String namespace = entry.getValue();
      tickUntil(() -> "False".equals(ready(kind, namespace)), 60);
      tickUntil(() -> "True".equals(ready(kind, namespace)), 60);
    }
  }

  private void tickUntil(BooleanSupplier reached, int maxTicks) {
    for (int i = 0; i < maxTicks; i++) {
      demo.cluster().simulator().tick();
      if (reached.getAsBoolean()) {
        return;
      }
    }
    fail("Not reached within %d ticks", maxTicks);
  }

  private String ready(ResourceDefinitionContext kind, String namespace) {
    GenericKubernetesResource object =
        demo.client().genericKubernetesResources(kind).inNamespace(namespace).withName(Tanzu.APP).get();
    return (String) condition(object, "Ready").get("status");
  }

  private GenericKubernetesResource gateway() {
    return demo.client().genericKubernetesResources(DemoKinds.GATEWAYS)
        .inNamespace(GatewayApi.NAMESPACE).withName(GatewayApi.GATEWAY).get();
  }

  private String listenerProgrammed() {
    List<Map<String, Object>> listeners = gateway().get("status", "listeners");
    Map<String, Object> listener = listeners.stream()
        .filter(l -> GatewayApi.LISTENER.equals(l.get("name"))).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> conditions = (List<Map<String, Object>>) listener.get("conditions");
    return conditions.stream().filter(c -> "Programmed".equals(c.get("type")))
        .map(c -> (String) c.get("status")).findFirst().orElseThrow();
  }

  private Map<String, Object> argoCdStatus() {
    return demo.client().genericKubernetesResources(DemoKinds.ARGO_CDS)
        .inNamespace(ArgoCd.NAMESPACE).withName(ArgoCd.INSTANCE).get().get("status");
  }

  private GenericKubernetesResource application() {
    return demo.client().genericKubernetesResources(DemoKinds.APPLICATIONS)
        .inNamespace(ArgoCd.NAMESPACE).withName(ArgoCd.APPLICATION).get();
  }

  private List<GenericKubernetesResource> list(ResourceDefinitionContext kind) {
    return demo.client().genericKubernetesResources(kind).inAnyNamespace().list().getItems();
  }

  private static Map<String, Object> condition(GenericKubernetesResource object, String type) {
    List<Map<String, Object>> conditions = object.get("status", "conditions");
    if (conditions == null) {
      return Map.of();
    }
    return conditions.stream().filter(c -> type.equals(c.get("type"))).findFirst().orElse(Map.of());
  }

  private static Set<String> names(List<GenericKubernetesResource> objects) {
    return objects.stream().map(object -> object.getMetadata().getName()).collect(Collectors.toSet());
  }
}
