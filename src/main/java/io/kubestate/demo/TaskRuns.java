package io.kubestate.demo;

import static io.kubestate.demo.DemoStatus.UNKNOWN;
import static io.kubestate.demo.DemoStatus.condition;
import static io.kubestate.demo.DemoStatus.setCondition;
import static io.kubestate.demo.DemoStatus.status;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The TaskRuns Tekton creates for a PipelineRun's tasks, and their status changes. */
final class TaskRuns {

  static final String PIPELINE_RUN_LABEL = "tekton.dev/pipelineRun";
  static final String SUCCEEDED_MESSAGE = "All Steps have completed executing";

  private TaskRuns() {
  }

  static String name(GenericKubernetesResource pipelineRun, DemoPipeline.Task task) {
    return pipelineRun.getMetadata().getName() + "-" + task.pipelineTask();
  }

  static GenericKubernetesResource forTask(
      GenericKubernetesResource pipelineRun, DemoPipeline pipeline, DemoPipeline.Task task) {
    String runName = pipelineRun.getMetadata().getName();
    String runUid = pipelineRun.getMetadata().getUid();
    GenericKubernetesResource taskRun = new GenericKubernetesResource();
    taskRun.setApiVersion("tekton.dev/v1");
    taskRun.setKind("TaskRun");
    taskRun.setMetadata(new ObjectMetaBuilder()
        .withName(name(pipelineRun, task))
        .withNamespace(pipelineRun.getMetadata().getNamespace())
        .addToLabels("app.kubernetes.io/managed-by", "tekton-pipelines")
        .addToLabels(PipelineRuns.PIPELINE_LABEL, pipeline.name())
        .addToLabels(PIPELINE_RUN_LABEL, runName)
        .addToLabels("tekton.dev/pipelineRunUID", runUid)
        .addToLabels("tekton.dev/pipelineTask", task.pipelineTask())
        .addToLabels("tekton.dev/task", task.task())
        .addToLabels("tekton.dev/memberOf", "tasks")
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion("tekton.dev/v1")
            .withKind("PipelineRun")
            .withName(runName)
            .withUid(runUid)
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build())
        .build());
    Map<String, Object> spec = DemoStatus.spec(taskRun);
    spec.put("serviceAccountName", "pipeline");
    spec.put("taskRef", new LinkedHashMap<>(Map.of("name", task.task(), "kind", "Task")));
    spec.put("timeout", PipelineRuns.TIMEOUT);
    return taskRun;
  }

  static void markRunning(GenericKubernetesResource taskRun, Instant at) {
    status(taskRun).putIfAbsent("startTime", DemoStatus.timestamp(at));
    status(taskRun).put("podName", podName(taskRun));
    setCondition(taskRun,
        succeeded(UNKNOWN, "Running", "Not all Steps in the Task have finished executing", at));
  }

  /** The pod cannot be scheduled yet; Tekton has not started the TaskRun, so there is no startTime. */
  static void markWaitingForNode(GenericKubernetesResource taskRun, Instant at) {
    status(taskRun).put("podName", podName(taskRun));
    setCondition(taskRun,
        succeeded(UNKNOWN, "ExceededNodeResources", "TaskRun Pod exceeded available resources", at));
  }

  static void markPullingImage(GenericKubernetesResource taskRun, DemoPipeline.Task task, Instant at) {
    String message = "build step \"step-%s\" is pending with reason \"Back-off pulling image \\\"%s\\\"\""
        .formatted(task.step(), image(task));
    markRunning(taskRun, at);
    setCondition(taskRun, succeeded(UNKNOWN, "PullImageFailed", message, at));
  }

  static void markFinished(
      GenericKubernetesResource taskRun, String status, String reason, String message, Instant at) {
    status(taskRun).put("completionTime", DemoStatus.timestamp(at));
    setCondition(taskRun, succeeded(status, reason, message, at));
  }

  static String stepFailedMessage(DemoPipeline.Task task) {
    return "\"%s\" exited with code 1".formatted(task.step());
  }

  static String imagePullFailedMessage(String taskRun, DemoPipeline.Task task) {
    return ("the step \"%s\" in TaskRun \"%s\" failed to pull the image \"%s\". "
        + "The pod errored with the message: \"Back-off pulling image \\\"%s\\\".\"")
        .formatted(task.step(), taskRun, image(task), image(task));
  }

  static String cancelledMessage(String taskRun, boolean timedOut) {
    return "TaskRun \"%s\" was cancelled. TaskRun cancelled as the PipelineRun it belongs to has %s."
        .formatted(taskRun, timedOut ? "timed out" : "been cancelled");
  }

  private static String image(DemoPipeline.Task task) {
    return "registry.example.internal/tools/" + task.task() + ":latest";
  }

  private static String podName(GenericKubernetesResource taskRun) {
    return taskRun.getMetadata().getName() + "-pod";
  }

  private static Map<String, Object> succeeded(String status, String reason, String message, Instant at) {
    return condition("Succeeded", status, reason, message, at);
  }
}
