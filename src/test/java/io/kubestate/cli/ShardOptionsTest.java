package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubestate.source.Sharding;
import io.kubestate.testing.Crds;
import io.kubestate.testing.Exporter;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --shard, --total-shards and --auto-shard: what they accept, what they refuse, and a shard at work. */
@EnableKubernetesMockClient(crud = true)
class ShardOptionsTest {
  KubernetesClient client;
  @TempDir Path tmp;
  private Process process;

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void badCombinationsExitWithUsageErrorAndSayWhy() {
    assertRefused("--shard and --auto-shard exclude each other", "--shard", "1", "--auto-shard", "--total-shards", "2");
    assertRefused("--auto-shard needs --total-shards N, N being the StatefulSet's replicas", "--auto-shard");
    assertRefused("--shard needs --total-shards", "--shard", "1");
    assertRefused("--shard must be in [0, 3) for --total-shards 3, got 3", "--shard", "3", "--total-shards", "3");
    assertRefused("--shard must be in [0, 2) for --total-shards 2, got -1", "--shard=-1", "--total-shards=2");
    assertRefused("--total-shards must be at least 1, got 0", "--total-shards", "0");
    assertRefused("--total-shards 3 needs --shard I (0 to 2) or --auto-shard", "--total-shards", "3");
    CliRunner.Result notANumber = CliRunner.run("--preset", "tekton", "--shard", "one", "--total-shards", "2");
    assertThat(notANumber.exitCode()).isEqualTo(2);
    assertThat(notANumber.err()).contains("Invalid value for option '--shard': 'one' is not an int");
  }

  private static void assertRefused(String message, String... options) {
    List<String> args = new ArrayList<>(List.of("--preset", "tekton"));
    args.addAll(List.of(options));
    CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
    assertThat(r.exitCode()).as("%s", args).isEqualTo(2);
    assertThat(r.err()).as("%s", args).startsWith(message);
  }

  @Test
  void autoShardTakesTheShardFromThePodOrdinal() {
    RunCommand run = parse("--preset", "tekton", "--auto-shard", "--total-shards", "3");
    assertThat(run.sharding("kso-2")).isEqualTo(new Sharding(2, 3));
    assertThat(run.sharding("kube-state-otel-0")).isEqualTo(new Sharding(0, 3));
    assertThatThrownBy(() -> run.sharding(null)).hasMessageStartingWith(
        "--auto-shard needs the pod's name in the environment variable POD_NAME");
    assertThatThrownBy(() -> run.sharding("kso-3")).hasMessage("--auto-shard: pod kso-3 has the ordinal 3, not below "
        + "--total-shards 3; keep --total-shards equal to the StatefulSet's replicas");
    assertThatThrownBy(() -> run.sharding("kso-7c9f8d6b5-abcde")).hasMessageContaining(
        "is not the name of a StatefulSet's pod");

    assertThat(parse("--preset", "tekton", "--shard", "1", "--total-shards=2").sharding("kso-0"))
        .as("--shard does not read the pod's name").isEqualTo(new Sharding(1, 2));
    assertThat(parse("--preset", "tekton").sharding("kso-2")).isEqualTo(Sharding.NONE);
  }

  private static RunCommand parse(String... args) {
    CommandLine cl = new CommandLine(new RunCommand());
    cl.parseArgs(args);
    return cl.getCommand();
  }

  @Test
  void podTwoOfAStatefulSetOfThreeExportsShardTwo() throws Exception {
    Crds.installTekton(client);
    List<String> names = IntStream.range(0, 30).mapToObj(i -> "run-" + i).toList();
    names.parallelStream().forEach(name -> client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace("ci")
        .resource(new GenericKubernetesResourceBuilder().withApiVersion("tekton.dev/v1").withKind("PipelineRun")
            .withNewMetadata().withName(name).withNamespace("ci").endMetadata().build())
        .create());
    List<String> mine = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (GenericKubernetesResource r : client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace("ci").list()
        .getItems()) {
      (new Sharding(2, 3).owns(r.getMetadata().getUid()) ? mine : others).add(r.getMetadata().getName());
    }

    Path kubeconfig = Exporter.kubeconfig(tmp, client);
    int metrics = Ports.free();
    ProcessBuilder pb = Exporter.process(
        "--kubeconfig", kubeconfig.toString(), "--preset", "tekton", "--auto-shard", "--total-shards", "3",
        "--metrics-host", "127.0.0.1", "--metrics-port", Integer.toString(metrics),
        "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(Ports.free()))
        .redirectErrorStream(true)
        .redirectOutput(tmp.resolve("out.log").toFile());
    pb.environment().put("POD_NAME", "kso-2");
    process = pb.start();

    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
      String text = Scrape.text(metrics);
      assertThat(text).contains("kube_state_otel_shard_ordinal 2").contains("kube_state_otel_total_shards 3");
      assertThat(Scrape.samples(text, "tekton_pipelinerun_info")).hasSize(mine.size());
    });
    String text = Scrape.text(metrics);
    mine.forEach(name -> assertThat(text).contains("k8s_pipelinerun_name=\"" + name + "\""));
    others.forEach(name -> assertThat(text).doesNotContain("k8s_pipelinerun_name=\"" + name + "\""));
    assertThat(Files.readString(tmp.resolve("out.log"))).contains("shard 2 of 3, the ordinal of pod kso-2: exporting "
        + "the objects whose UID hashes to it; like every shard, listing and watching all objects");
  }
}
