package io.kubestate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubestate.expr.WatchTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API faults in expectation mode, where the test says exactly what the API answers: a 410 Gone
 * during the watch makes the informer list again, and what changed while the watch was down
 * (a deletion, a new state) shows; a 403 after the cache synced marks the kind down and keeps the
 * last known objects.
 */
@EnableKubernetesMockClient
class RelistTest {
  private static final WatchTarget RUNS = new WatchTarget("tekton.dev", List.of("v1"), "PipelineRun", null, null);
  private static final String PATH = "/apis/tekton.dev/v1/pipelineruns";

  KubernetesMockServer server;
  KubernetesClient client;
  private InformerSource source;

  @BeforeEach
  void discovery() {
    server.expect().get().withPath("/apis/tekton.dev/v1").andReturn(200, new APIResourceListBuilder()
        .withGroupVersion("tekton.dev/v1")
        .withResources(new APIResourceBuilder().withName("pipelineruns").withKind("PipelineRun")
            .withNamespaced(true).withVerbs("list", "watch").build())
        .build()).always();
  }

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
  }

  private static GenericKubernetesResource run(String name, String reason, String resourceVersion) {
    return new GenericKubernetesResourceBuilder().withApiVersion("tekton.dev/v1").withKind("PipelineRun")
        .withNewMetadata().withName(name).withNamespace("ci").withResourceVersion(resourceVersion).endMetadata()
        .withAdditionalProperties(Map.of("status", Map.of("conditions",
            List.of(Map.of("type", "Succeeded", "status", "Unknown", "reason", reason)))))
        .build();
  }

  private static Object list(String resourceVersion, GenericKubernetesResource... items) {
    GenericKubernetesResourceList list = new GenericKubernetesResourceList();
    list.setApiVersion("tekton.dev/v1");
    list.setKind("PipelineRunList");
    list.setMetadata(new ListMetaBuilder().withResourceVersion(resourceVersion).build());
    list.setItems(List.of(items));
    return list;
  }

  private static String watch(String resourceVersion) {
    return PATH + "?allowWatchBookmarks=true&resourceVersion=" + resourceVersion + "&timeoutSeconds=600&watch=true";
  }

  @SuppressWarnings("unchecked")
  private List<String> reasons() {
    List<String> out = new ArrayList<>();
    for (Map<String, Object> o : source.objects(RUNS)) {
      Map<String, Object> meta = (Map<String, Object>) o.get("metadata");
      Map<String, Object> cond = ((List<Map<String, Object>>) ((Map<String, Object>) o.get("status"))
          .get("conditions")).get(0);
      out.add(meta.get("name") + "=" + cond.get("reason"));
    }
    return out;
  }

  private boolean up() {
    return source.statuses().stream().allMatch(WatchStatus::up);
  }

  @Test
  void goneWatchRelistsAndShowsWhatChangedMeanwhile() {
    server.expect().get().withPath(PATH + "?limit=500")
        .andReturn(200, list("10", run("a", "Running", "5"), run("b", "Running", "6"))).once();
    server.expect().get().withPath(watch("10")).andUpgradeToWebSocket().open().waitFor(500)
        .andEmit(new WatchEvent(new StatusBuilder().withCode(410).withReason("Expired")
            .withMessage("too old resource version").build(), "ERROR"))
        .done().once();
    server.expect().get().withPath(PATH + "?limit=500").andReturn(200, list("20", run("b", "Failed", "19"))).once();
    server.expect().get().withPath(watch("20")).andUpgradeToWebSocket().open().waitFor(2_000)
        .andEmit(new WatchEvent(run("b", "Failed", "19"), "MODIFIED")).done().always();

    source = InformerSource.start(client, List.of(RUNS), List.of());
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(reasons()).containsExactly("b=Failed"));
    assertThat(up()).isTrue();
  }

  @Test
  void forbiddenAfterSyncMarksTheKindDownAndKeepsTheLastObjects() {
    server.expect().get().withPath(PATH + "?limit=500")
        .andReturn(200, list("10", run("a", "Running", "5"))).once();
    server.expect().get().withPath(watch("10")).andUpgradeToWebSocket().open().waitFor(300)
        .andEmit(new WatchEvent(new StatusBuilder().withCode(410).withReason("Expired").build(), "ERROR"))
        .done().once();
    server.expect().get().withPath(PATH + "?limit=500").andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
        .withMessage("pipelineruns.tekton.dev is forbidden: User \"system:serviceaccount:mon:kso\" cannot list"
            + " resource \"pipelineruns\"").build()).always();

    source = InformerSource.start(client, List.of(RUNS), List.of());
    await().atMost(Duration.ofSeconds(20)).until(() -> !source.statuses().isEmpty() && !up()
        && source.ready());
    assertThat(reasons()).containsExactly("a=Running");
  }
}
