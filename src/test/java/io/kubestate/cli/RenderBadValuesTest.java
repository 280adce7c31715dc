package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Tekton preset over runs that hold malformed conditions and timestamps, beside well-formed runs. */
class RenderBadValuesTest {
  private static final String RUNS = """
      apiVersion: v1
      kind: List
      items:
        - {apiVersion: tekton.dev/v1, kind: TaskRun, metadata: {name: good, namespace: ci},
           status: {startTime: "2026-08-24T10:00:00Z", completionTime: "2026-08-24T10:01:00Z",
                    conditions: [{type: Succeeded, status: "True", reason: Succeeded}]}}
        - {apiVersion: tekton.dev/v1, kind: TaskRun, metadata: {name: text-conditions, namespace: ci},
           status: {conditions: [Succeeded, Ready, "True", 4]}}
        - {apiVersion: tekton.dev/v1, kind: TaskRun, metadata: {name: half-conditions, namespace: ci},
           status: {conditions: [{type: Succeeded}, {status: "True"}, {type: Ready, status: true}]}}
        - {apiVersion: tekton.dev/v1, kind: TaskRun, metadata: {name: far-future, namespace: ci},
           status: {startTime: 1e308, completionTime: 1e308,
                    conditions: [{type: Succeeded, status: "Unknown"}]}}
        - {apiVersion: tekton.dev/v1, kind: TaskRun, metadata: {name: before-epoch, namespace: ci},
           status: {startTime: -86400, completionTime: "not a time"}}
        - {apiVersion: tekton.dev/v1, kind: PipelineRun, metadata: {name: good-pipeline, namespace: ci},
           status: {conditions: [{type: Succeeded, status: "False", reason: Failed}, [nested]]}}
      """;

  @Test
  void malformedValuesGiveNoSeriesWhileWellFormedRunsKeepTheirs(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("runs.yaml");
    Files.writeString(file, RUNS);
    CliRunner.Result result = CliRunner.run("render", "--preset", "tekton", "--now", "2026-08-24T12:00:00Z",
        file.toString());
    assertThat(result.exitCode()).as(result.err()).isZero();
    List<String> series = result.out().lines().filter(l -> !l.startsWith("#")).toList();

    assertThat(series).filteredOn(l -> l.startsWith("tekton_taskrun_condition{")
            || l.startsWith("tekton_pipelinerun_condition{"))
        .containsExactlyInAnyOrder(
            "tekton_taskrun_condition{condition_reason=\"Succeeded\",condition_status=\"True\","
                + "condition_type=\"Succeeded\",k8s_namespace_name=\"ci\",k8s_taskrun_name=\"good\"} 1",
            "tekton_taskrun_condition{condition_reason=\"\",condition_status=\"Unknown\","
                + "condition_type=\"Succeeded\",k8s_namespace_name=\"ci\",k8s_taskrun_name=\"far-future\"} 1",
            "tekton_pipelinerun_condition{condition_reason=\"Failed\",condition_status=\"False\","
                + "condition_type=\"Succeeded\",k8s_namespace_name=\"ci\",k8s_pipelinerun_name=\"good-pipeline\"} 1");

    assertThat(series).filteredOn(l -> l.matches("tekton_taskrun_(start_time|completion_time|duration).*"))
        .containsExactlyInAnyOrder(
            "tekton_taskrun_start_time_seconds{k8s_namespace_name=\"ci\",k8s_taskrun_name=\"good\"} 1787565600",
            "tekton_taskrun_completion_time_seconds{k8s_namespace_name=\"ci\",k8s_taskrun_name=\"good\"} 1787565660",
            "tekton_taskrun_duration_seconds{k8s_namespace_name=\"ci\",k8s_taskrun_name=\"good\"} 60");
    assertThat(series).noneMatch(l -> l.contains("E15") || l.contains("E16"));
  }
}
