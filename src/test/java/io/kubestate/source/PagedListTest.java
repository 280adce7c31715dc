package io.kubestate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.WatchTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The first list comes in pages (the CRUD mock ignores {@code limit}, so the pages are scripted
 * here), and the cache keeps only what the families of the kind read.
 */
@EnableKubernetesMockClient
class PagedListTest {
  private static final String PATH = "/apis/tekton.dev/v1/pipelineruns";

  KubernetesMockServer server;
  KubernetesClient client;
  private InformerSource source;

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
  }

  private static GenericKubernetesResource run(String name) {
    return new GenericKubernetesResourceBuilder().withApiVersion("tekton.dev/v1").withKind("PipelineRun")
        .withNewMetadata().withName(name).withNamespace("ci").withUid("uid-" + name).withResourceVersion("5")
        .endMetadata()
        .withAdditionalProperties(Map.of(
            "spec", Map.of("params", List.of(Map.of("name", "git-url", "value", "https://example.com/repo"))),
            "status", Map.of("conditions", List.of(Map.of("type", "Succeeded", "status", "True",
                "reason", "Completed", "message", "Tasks Completed: 3 (Failed: 0, Cancelled 0), Skipped: 0")))))
        .build();
  }

  private static Object page(String resourceVersion, String next, GenericKubernetesResource... items) {
    GenericKubernetesResourceList list = new GenericKubernetesResourceList();
    list.setApiVersion("tekton.dev/v1");
    list.setKind("PipelineRunList");
    list.setMetadata(new ListMetaBuilder().withResourceVersion(resourceVersion).withContinue(next).build());
    list.setItems(List.of(items));
    return list;
  }

  @Test
  void listsInPagesAndCachesWhatTheFamiliesRead() {
    server.expect().get().withPath("/apis/tekton.dev/v1").andReturn(200, new APIResourceListBuilder()
        .withGroupVersion("tekton.dev/v1")
        .withResources(new APIResourceBuilder().withName("pipelineruns").withKind("PipelineRun")
            .withNamespaced(true).withVerbs("list", "watch").build())
        .build()).always();
    server.expect().get().withPath(PATH + "?limit=" + KindWatch.LIST_PAGE)
        .andReturn(200, page("10", "page-2", run("a"), run("b"))).once();
    server.expect().get().withPath(PATH + "?continue=page-2&limit=" + KindWatch.LIST_PAGE)
        .andReturn(200, page("10", null, run("c"))).once();
    server.expect().get().withPath(PATH + "?allowWatchBookmarks=true&resourceVersion=10&timeoutSeconds=600&watch=true")
        .andUpgradeToWebSocket().open().done().always();

    CompiledConfig config = Compiler.compile(ConfigLoader.load(List.of("tekton"), List.of()));
    WatchTarget runs = config.kinds().stream().filter(k -> k.target().kind().equals("PipelineRun")).findFirst()
        .orElseThrow().target();
    source = InformerSource.start(client, config, List.of(), Sharding.NONE);
    await().atMost(Duration.ofSeconds(20)).until(() -> source.objectCounts().getOrDefault(runs, 0) == 3);

    List<Map<String, Object>> cached = new ArrayList<>();
    source.objects(runs).forEach(cached::add);
    assertThat(cached).allSatisfy(o -> {
      assertThat(o).containsOnlyKeys("metadata", "spec", "status");
      assertThat(o.toString()).doesNotContain("params").doesNotContain("message").doesNotContain("resourceVersion")
          .contains("uid-").contains("reason=Completed");
    });
  }
}
