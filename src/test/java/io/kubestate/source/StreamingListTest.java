package io.kubestate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.WatchTarget;
import io.kubestate.testing.ScriptedApiServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lists read as streaming watches ({@code sendInitialEvents}) where the API server serves them, and
 * in pages where it refuses or ignores them; the requests the API server receives show which.
 */
class StreamingListTest {
  private static final String RUNNING = "{\"conditions\":[{\"type\":\"Succeeded\",\"status\":\"Unknown\","
      + "\"reason\":\"Running\"}]}";

  private ScriptedApiServer api;
  private KubernetesClient client;
  private InformerSource source;
  private WatchTarget runs;
  private CompiledConfig config;

  @BeforeEach
  void start() {
    api = new ScriptedApiServer();
    api.put("r1", RUNNING);
    api.put("r2", RUNNING);
    client = api.client();
    config = Compiler.compile(ConfigLoader.load(List.of("tekton"), List.of()));
    runs = config.kinds().stream().filter(k -> k.target().kind().equals("PipelineRun")).findFirst()
        .orElseThrow().target();
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    client.close();
    api.close();
  }

  private void startSource(WatchSettings settings) {
    source = InformerSource.start(client, config, List.of(), Sharding.NONE, settings);
  }

  private void awaitRuns(int n) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(source.objectCounts().getOrDefault(runs, 0)).as("in %s", api.requests()).isEqualTo(n);
      assertThat(source.ready()).isTrue();
    });
  }

  /** The requests the API server received, once the watch that follows the list has been asked for. */
  private void awaitRequests(String... expected) {
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api.requests()).containsExactly(expected));
  }

  @Test
  void aServedStreamIsTheListAndGoesOnAsTheWatch() {
    api.serveStreamingLists();
    startSource(WatchSettings.DEFAULT);
    awaitRuns(2);
    api.put("r3", RUNNING);
    awaitRuns(3);
    awaitRequests("stream pipelineruns");

    // A watch that ends later resumes from the stream's last version, as any watch does.
    api.endWatches();
    await().atMost(Duration.ofSeconds(20)).until(() -> api.openWatches() == 1);
    api.put("r4", RUNNING);
    awaitRuns(4);
    awaitRequests("stream pipelineruns", "watch pipelineruns rv=103");
  }

  @Test
  void aRefusedStreamFallsBackToPagesOnceForTheProcess() {
    startSource(WatchSettings.DEFAULT);
    awaitRuns(2);
    // A 410 lists again; the refusal is remembered, so the second list is paged at once.
    api.failOnce("watch", 410);
    api.endWatches();
    api.put("r3", RUNNING);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(api.count("list pipelineruns")).as("in %s", api.requests()).isEqualTo(2));
    awaitRuns(3);
    assertThat(api.count("stream pipelineruns")).as("in %s", api.requests()).isEqualTo(1);
    assertThat(api.requests()).startsWith("stream pipelineruns", "list pipelineruns", "watch pipelineruns rv=102");
  }

  @Test
  void aStreamThatSendsNothingIsGivenUpForPages() {
    api.ignoreStreamingLists();
    startSource(new WatchSettings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1),
        Duration.ofMinutes(10), 500, true, Duration.ofSeconds(1)));
    awaitRuns(2);
    awaitRequests("stream pipelineruns", "list pipelineruns", "watch pipelineruns rv=102");
  }

  @Test
  void streamingListsCanBeTurnedOff() {
    api.serveStreamingLists();
    startSource(WatchSettings.DEFAULT.withStreamingLists(false));
    awaitRuns(2);
    awaitRequests("list pipelineruns", "watch pipelineruns rv=102");
  }
}
