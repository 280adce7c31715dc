package io.kubestate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.testing.ScriptedApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relists counted per kind and reason go on across a config change that starts the kind's
 * loop again: a counter that fell back to 0 would read as a reset, and its relists as lost.
 */
class RelistCountsTest {
  private static final String EXTRA = """
      kind: MetricsConfig
      resources:
        - group: tekton.dev
          version: v1
          kind: PipelineRun
          families:
            - name: team.pipelinerun.service_account
              type: info
              attributes: {service_account: spec.taskRunTemplate.serviceAccountName}
      """;

  @TempDir Path tmp;
  private final ScriptedApiServer api = new ScriptedApiServer();
  private final KubernetesClient client = api.client();
  private InformerSource source;

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    client.close();
    api.close();
  }

  private Map<String, Long> runRelists() {
    return source.statuses().stream().filter(s -> s.kind().equals("PipelineRun")).findFirst().orElseThrow().relists();
  }

  @Test
  void expiredRelistsAreStillCountedAfterAConfigChangeRelists() throws Exception {
    api.put("r1", "{}");
    CompiledConfig tekton = Compiler.compile(ConfigLoader.load(List.of("tekton"), List.of()));
    source = InformerSource.start(client, tekton, List.of(), Sharding.NONE, WatchSettings.DEFAULT);
    await().atMost(Duration.ofSeconds(20)).until(() -> api.openWatches() == 1);

    api.failOnce("watch", 410);
    api.endWatches();
    await().atMost(Duration.ofSeconds(20)).until(() -> runRelists().getOrDefault("expired", 0L) == 1);

    Path extra = Files.writeString(tmp.resolve("extra.yaml"), EXTRA);
    source.replaceTargets(Compiler.compile(ConfigLoader.load(List.of("tekton"), List.of(extra))));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(api.count("list pipelineruns")).as("in %s", api.requests()).isEqualTo(3);
      assertThat(runRelists()).containsEntry("expired", 1L).containsEntry("config", 1L);
    });
  }
}
