package io.kubestate.demo;

import static io.kubestate.demo.DemoStatus.UNKNOWN;
import static io.kubestate.demo.DemoStatus.condition;
import static io.kubestate.demo.DemoStatus.setCondition;
import static io.kubestate.demo.DemoStatus.spec;
import static io.kubestate.demo.DemoStatus.status;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tekton PipelineRuns as the tekton-kueue webhook leaves them, and the status changes the Tekton
 * controller makes.
 */
final class PipelineRuns {

  static final String PIPELINE_LABEL = "tekton.dev/pipeline";
  static final String QUEUE_LABEL = "kueue.x-k8s.io/queue-name";
  static final String PENDING = "PipelineRunPending";
  static final String TIMEOUT = "1h0m0s";
  static final String SKIPPED_BY_WHEN = "When Expressions evaluated to false";
  static final String SKIPPED_WHILE_STOPPING = "PipelineRun was stopping";

  private PipelineRuns() {
  }

  /** A new run held back by Kueue: spec.status PipelineRunPending and the LocalQueue label. */
  static GenericKubernetesResource queued(DemoPipeline pipeline, String name) {
    GenericKubernetesResource run = new GenericKubernetesResource();
    run.setApiVersion("tekton.dev/v1");
    run.setKind("PipelineRun");
    run.setMetadata(new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(pipeline.namespace())
        .addToLabels(PIPELINE_LABEL, pipeline.name())
        .addToLabels(QUEUE_LABEL, Workloads.LOCAL_QUEUE)
        .build());
    Map<String, Object> spec = spec(run);
    spec.put("pipelineRef", new LinkedHashMap<>(Map.of("name", pipeline.name())));
    spec.put("timeouts", new LinkedHashMap<>(Map.of("pipeline", TIMEOUT)));
    spec.put("taskRunTemplate", new LinkedHashMap<>(Map.of("serviceAccountName", "pipeline")));
    spec.put("status", PENDING);
    return run;
  }

  static void markPending(GenericKubernetesResource run, Instant at) {
    setCondition(run, succeeded(UNKNOWN, PENDING, "PipelineRun \"" + name(run) + "\" is pending", at));
  }

  /** Kueue admission: tekton-kueue clears spec.status so that Tekton starts the run. */
  static void release(GenericKubernetesResource run) {
    spec(run).remove("status");
  }

  static void cancel(GenericKubernetesResource run) {
    spec(run).put("status", "Cancelled");
  }

  /** tekton-kueue's answer to an eviction: Tekton lets running tasks finish and starts no more. */
  static void stop(GenericKubernetesResource run) {
    spec(run).put("status", "StoppedRunFinally");
  }

  static void markStarted(GenericKubernetesResource run, Instant at) {
    status(run).put("startTime", DemoStatus.timestamp(at));
  }

  static void markRunning(GenericKubernetesResource run, int completed, int incomplete, Instant at) {
    String message = "Tasks Completed: %d (Failed: 0, Cancelled 0), Incomplete: %d, Skipped: 0"
        .formatted(completed, incomplete);
    setCondition(run, succeeded(UNKNOWN, "Running", message, at));
  }

  static void addChild(GenericKubernetesResource run, String taskRun, DemoPipeline.Task task) {
    Map<String, Object> child = new LinkedHashMap<>();
    child.put("apiVersion", "tekton.dev/v1");
    child.put("kind", "TaskRun");
    child.put("name", taskRun);
    child.put("pipelineTaskName", task.pipelineTask());
    DemoStatus.list(status(run), "childReferences").add(child);
  }

  static void addSkipped(GenericKubernetesResource run, DemoPipeline.Task task, String reason) {
    Map<String, Object> skipped = new LinkedHashMap<>();
    skipped.put("name", task.pipelineTask());
    skipped.put("reason", reason);
    DemoStatus.list(status(run), "skippedTasks").add(skipped);
  }

  static void markFinished(
      GenericKubernetesResource run, String status, String reason, String message, Instant at) {
    status(run).put("completionTime", DemoStatus.timestamp(at));
    setCondition(run, succeeded(status, reason, message, at));
  }

  static String summary(int completed, int failed, int skipped) {
    return "Tasks Completed: %d (Failed: %d, Cancelled 0), Skipped: %d".formatted(completed, failed, skipped);
  }

  static String timedOutMessage(String run) {
    return "PipelineRun \"%s\" failed to finish within \"%s\"".formatted(run, TIMEOUT);
  }

  static String cancelledMessage(String run) {
    return "PipelineRun \"%s\" was cancelled".formatted(run);
  }

  private static Map<String, Object> succeeded(String status, String reason, String message, Instant at) {
    return condition("Succeeded", status, reason, message, at);
  }

  private static String name(GenericKubernetesResource resource) {
    return resource.getMetadata().getName();
  }
}
