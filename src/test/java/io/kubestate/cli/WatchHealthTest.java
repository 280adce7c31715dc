package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubestate.testing.Exporter;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import io.kubestate.testing.ScriptedApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter as a process against an API server whose watches fail on demand: what a user sees
 * on /metrics, /readyz and in the log while a watch is down, and the requests the API server gets.
 * Retries wait at most 2 s here instead of 30 s, so that a minute of failures takes seconds.
 */
class WatchHealthTest {
  private static final String UP = "kube_state_otel_resource_up{group=\"tekton.dev\",kind=\"PipelineRun\","
      + "namespace=\"\",version=\"v1\"} ";
  private static final String SUCCEEDED = "{\"conditions\":[{\"type\":\"Succeeded\",\"status\":\"True\","
      + "\"reason\":\"Succeeded\"}],\"startTime\":\"2026-01-05T10:00:00Z\"}";

  @TempDir Path tmp;
  private ScriptedApiServer api;
  private Process process;
  private int metrics;
  private String health;

  @BeforeEach
  void start() {
    api = new ScriptedApiServer();
    api.put("r1", SUCCEEDED);
    api.put("r2", SUCCEEDED);
  }

  @AfterEach
  void stop() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    api.close();
  }

  private void exporter() throws Exception {
    Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), String.join("\n",
        "apiVersion: v1", "kind: Config",
        "clusters: [{name: test, cluster: {server: \"" + api.url() + "\"}}]",
        "contexts: [{name: test, context: {cluster: test, user: test}}]",
        "users: [{name: test, user: {token: test-token}}]", "current-context: test", ""));
    metrics = Ports.free();
    int telemetry = Ports.free();
    process = Exporter.process("--kubeconfig", kubeconfig.toString(), "--preset", "tekton",
        "--watch-retry-max", "PT2S", "--watch-grace", "PT1S",
        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metrics),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(telemetry))
        .redirectErrorStream(true).redirectOutput(tmp.resolve("out.log").toFile()).start();
    health = "http://127.0.0.1:" + telemetry;
  }

  private String scrape() {
    return Scrape.text(metrics);
  }

  private String log() throws Exception {
    return Files.readString(tmp.resolve("out.log"));
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aWatchFailingAfterTheFirstListIsRetriedWithoutListingAndShowsDown() throws Exception {
    api.fail("watch", 500);
    exporter();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      HttpResponse<String> ready = get(health + "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("PipelineRun: synced, watch down since");
    });
    // Every sample taken while the watch is down says so, and readiness holds.
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      assertThat(scrape()).contains(UP + "0").contains("kube_state_otel_watch_age_seconds{group=\"tekton.dev\"");
      HttpResponse<String> ready = get(health + "/readyz");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("PipelineRun: synced, watch down since");
      return api.count("watch pipelineruns") >= 10;
    });
    assertThat(api.count("list pipelineruns")).as("lists, in %s", api.requests()).isEqualTo(1);
    assertThat(api.requests()).filteredOn(r -> r.startsWith("watch")).allMatch(r -> r.equals("watch pipelineruns rv=102"));
    assertThat(Scrape.samples(scrape(), "tekton_pipelinerun_condition")).hasSize(2);

    api.heal();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(scrape()).contains(UP + "1"));
    assertThat(get(health + "/readyz").body()).contains("PipelineRun: synced\n");
    // The API server says 1.33, whose streaming lists are off: refused once, then pages only.
    assertThat(api.count("stream pipelineruns")).isEqualTo(1);
    assertThat(log()).containsOnlyOnce("does not serve streaming lists (sendInitialEvents): the API answered 422")
        .containsOnlyOnce("cannot watch pipelineruns, retrying: the API answered 500")
        .contains("pipelineruns recovered").doesNotContain("Exception");
    assertThat(api.count("list pipelineruns")).isEqualTo(1);
  }

  @Test
  void anEstablishedWatchThatFailsIsResumedFromItsVersionAndOnlyGoneLists() throws Exception {
    exporter();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
        assertThat(scrape()).contains(UP + "1"));
    api.put("r3", SUCCEEDED);
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
        assertThat(Scrape.samples(scrape(), "tekton_pipelinerun_condition")).hasSize(3));

    api.fail("watch", 500);
    api.endWatches();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(scrape()).contains(UP + "0"));
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      assertThat(scrape()).contains(UP + "0");
      return api.count("watch pipelineruns rv=103") >= 6;
    });
    assertThat(api.count("list pipelineruns")).as("lists, in %s", api.requests()).isEqualTo(1);
    api.heal();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(scrape()).contains(UP + "1"));

    api.failOnce("watch", 410);
    api.endWatches();
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(scrape()).contains(UP + "1")
        .contains("kube_state_otel_relists_total{group=\"tekton.dev\",kind=\"PipelineRun\",namespace=\"\","
            + "reason=\"expired\",version=\"v1\"} 1"));
    assertThat(log()).contains("too old for the API server (410 Gone)");
    assertThat(api.count("list pipelineruns")).as("lists, in %s", api.requests()).isEqualTo(2);
  }

  @Test
  void aKindTheApiStopsServingLosesItsSeries() throws Exception {
    exporter();
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(health + "/readyz").statusCode() == 200);
    assertThat(Scrape.samples(scrape(), "tekton_pipelinerun_condition")).hasSize(2);

    api.fail("list", 404);
    api.fail("watch", 404);
    api.endWatches();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(Scrape.samples(scrape(), "tekton_pipelinerun_condition")).isEmpty());
    HttpResponse<String> ready = get(health + "/readyz");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(ready.body()).contains("PipelineRun: not served");
    assertThat(scrape()).contains(UP + "0");
    assertThat(log()).containsOnlyOnce("PipelineRun.tekton.dev is not served any more");
  }
}
