package io.kubestate.demo;

import static io.kubestate.demo.DemoStatus.FALSE;
import static io.kubestate.demo.DemoStatus.TRUE;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The objects the demo cluster starts with: one PipelineRun in every state the exporter
 * distinguishes, with their TaskRuns and Kueue Workloads (two of them evicted), created in the
 * recent past; and the Gateway API, Argo CD and Tanzu objects of their manifests.
 */
final class DemoSeed {

  private static final DemoPipeline MISSING_PIPELINE =
      new DemoPipeline("ml-team", "evaluate-model", List.of("forecast-evaluate"), List.of());
  private static final Duration TASK_DURATION = Duration.ofMinutes(3);

  private final Instant now;
  private final List<GenericKubernetesResource> objects = new ArrayList<>();

  private DemoSeed(Instant now) {
    this.now = now;
  }

  static List<GenericKubernetesResource> objects(Instant now) {
    DemoSeed seed = new DemoSeed(now);
    seed.queued();
    seed.running();
    seed.runningWithTaskWaitingForNode();
    seed.succeeded();
    seed.completedWithSkippedTask();
    seed.failedStep();
    seed.failedImagePull();
    seed.timedOut();
    seed.cancelled();
    seed.validationFailed();
    seed.preempted();
    seed.deactivated();
    seed.objects.addAll(GatewayApi.seed(now));
    seed.objects.addAll(ArgoCd.seed(now));
    seed.objects.addAll(Tanzu.seed(now));
    return List.copyOf(seed.objects);
  }

  private void queued() {
    Instant created = now.minus(Duration.ofMinutes(3));
    GenericKubernetesResource run = pipelineRun(DemoPipeline.DOCKER_BUILD, "frontend-on-push-q7k2x", created);
    PipelineRuns.markPending(run, created.plusSeconds(1));
    Workloads.markPending(workload(run, created.plusSeconds(1)), created.plusSeconds(2));
  }

  private void running() {
    Instant created = now.minus(Duration.ofMinutes(6));
    GenericKubernetesResource run = pipelineRun(DemoPipeline.DOCKER_BUILD, "frontend-on-push-r4m8d", created);
    Instant started = start(run, created.plus(Duration.ofMinutes(1)));
    Instant next = succeedTasks(run, DemoPipeline.DOCKER_BUILD, 1, started);
    TaskRuns.markRunning(taskRun(run, DemoPipeline.DOCKER_BUILD, 1, next), next);
    PipelineRuns.markRunning(run, 1, 2, next);
  }

  private void runningWithTaskWaitingForNode() {
    Instant created = now.minus(Duration.ofMinutes(12));
    GenericKubernetesResource run = pipelineRun(DemoPipeline.TRAIN_MODEL, "forecast-train-h4k8s", created);
    Instant started = start(run, created.plusSeconds(10));
    Instant next = succeedTasks(run, DemoPipeline.TRAIN_MODEL, 1, started);
    TaskRuns.markWaitingForNode(taskRun(run, DemoPipeline.TRAIN_MODEL, 1, next), next.plusSeconds(2));
    PipelineRuns.markRunning(run, 1, 2, next);
  }

  private void succeeded() {
    Instant created = now.minus(Duration.ofMinutes(50));
    GenericKubernetesResource run = pipelineRun(DemoPipeline.DOCKER_BUILD, "backend-on-push-k9t3v", created);
    Instant end = succeedTasks(run, DemoPipeline.DOCKER_BUILD, 3, start(run, created.plusSeconds(5)));
    finish(run, TRUE, "Succeeded", PipelineRuns.summary(3, 0, 0), end);
  }

  private void completedWithSkippedTask() {
    Instant created = now.minus(Duration.ofMinutes(35));
    GenericKubernetesResource run =
        pipelineRun(DemoPipeline.DOCKER_BUILD, "backend-on-pull-request-c2p8w", created);
    Instant end = succeedTasks(run, DemoPipeline.DOCKER_BUILD, 2, start(run, created.plusSeconds(4)));
    PipelineRuns.addSkipped(run, DemoPipeline.DOCKER_BUILD.tasks().get(2), PipelineRuns.SKIPPED_BY_WHEN);
    finish(run, TRUE, "Completed", PipelineRuns.summary(2, 0, 1), end);
  }

  private void failedStep() {
    Instant created = now.minus(Duration.ofMinutes(25));
    DemoPipeline pipeline = DemoPipeline.DOCKER_BUILD;
    GenericKubernetesResource run = pipelineRun(pipeline, "frontend-on-pull-request-p2w6z", created);
    Instant next = succeedTasks(run, pipeline, 1, start(run, created.plusSeconds(3)));
    DemoPipeline.Task build = pipeline.tasks().get(1);
    GenericKubernetesResource taskRun = taskRun(run, pipeline, 1, next);
    Instant end = next.plus(TASK_DURATION);
    TaskRuns.markRunning(taskRun, next);
    TaskRuns.markFinished(taskRun, FALSE, "Failed", TaskRuns.stepFailedMessage(build), end);
    PipelineRuns.addSkipped(run, pipeline.tasks().get(2), PipelineRuns.SKIPPED_WHILE_STOPPING);
    finish(run, FALSE, "Failed", PipelineRuns.summary(2, 1, 1), end.plusSeconds(1));
  }

  private void failedImagePull() {
    Instant created = now.minus(Duration.ofMinutes(40));
    DemoPipeline pipeline = DemoPipeline.TRAIN_MODEL;
    GenericKubernetesResource run = pipelineRun(pipeline, "recommender-train-j6w4n", created);
    Instant next = succeedTasks(run, pipeline, 1, start(run, created.plusSeconds(6)));
    DemoPipeline.Task train = pipeline.tasks().get(1);
    GenericKubernetesResource taskRun = taskRun(run, pipeline, 1, next);
    Instant end = next.plus(Duration.ofMinutes(5));
    TaskRuns.markRunning(taskRun, next);
    TaskRuns.markFinished(taskRun, FALSE, "TaskRunImagePullFailed",
        TaskRuns.imagePullFailedMessage(name(taskRun), train), end);
    PipelineRuns.addSkipped(run, pipeline.tasks().get(2), PipelineRuns.SKIPPED_WHILE_STOPPING);
    finish(run, FALSE, "Failed", PipelineRuns.summary(2, 1, 1), end.plusSeconds(1));
  }

  /** Resolved from git, so the run names its pipeline only through the label. */
  private void timedOut() {
    Instant created = now.minus(Duration.ofMinutes(150));
    DemoPipeline pipeline = DemoPipeline.TRAIN_MODEL;
    GenericKubernetesResource run = pipelineRun(pipeline, "recommender-train-8fz2c", created);
    Map<String, Object> gitRef = new LinkedHashMap<>();
    gitRef.put("resolver", "git");
    gitRef.put("params", List.of(
        Map.of("name", "url", "value", "https://github.com/example-org/ml-pipelines.git"),
        Map.of("name", "revision", "value", "main"),
        Map.of("name", "pathInRepo", "value", "pipelines/train-model.yaml")));
    DemoStatus.spec(run).put("pipelineRef", gitRef);
    Instant started = start(run, created.plusSeconds(4));
    Instant next = succeedTasks(run, pipeline, 1, started);
    Instant end = started.plus(Duration.ofHours(1));
    GenericKubernetesResource taskRun = taskRun(run, pipeline, 1, next);
    TaskRuns.markRunning(taskRun, next);
    TaskRuns.markFinished(
        taskRun, FALSE, "TaskRunCancelled", TaskRuns.cancelledMessage(name(taskRun), true), end);
    finish(run, FALSE, "PipelineRunTimeout", PipelineRuns.timedOutMessage(name(run)), end);
  }

  private void cancelled() {
    Instant created = now.minus(Duration.ofMinutes(18));
    DemoPipeline pipeline = DemoPipeline.DOCKER_BUILD;
    GenericKubernetesResource run = pipelineRun(pipeline, "frontend-on-pull-request-c5n7b", created);
    Instant next = succeedTasks(run, pipeline, 1, start(run, created.plusSeconds(2)));
    Instant end = next.plusSeconds(95);
    PipelineRuns.cancel(run);
    GenericKubernetesResource taskRun = taskRun(run, pipeline, 1, next);
    TaskRuns.markRunning(taskRun, next);
    TaskRuns.markFinished(
        taskRun, FALSE, "TaskRunCancelled", TaskRuns.cancelledMessage(name(taskRun), false), end);
    finish(run, FALSE, "Cancelled", PipelineRuns.cancelledMessage(name(run)), end.plusSeconds(1));
  }

  private void validationFailed() {
    Instant created = now.minus(Duration.ofMinutes(8));
    GenericKubernetesResource run = pipelineRun(MISSING_PIPELINE, "forecast-evaluate-v9d3t", created);
    Instant started = start(run, created.plusSeconds(1));
    String message = ("[User error] Error retrieving pipeline for pipelinerun %s/%s: "
        + "error when listing pipelines: pipelines.tekton.dev \"%s\" not found")
        .formatted(MISSING_PIPELINE.namespace(), run.getMetadata().getName(), MISSING_PIPELINE.name());
    finish(run, FALSE, "CouldntGetPipeline", message, started.plusSeconds(1));
  }

  /** Kueue preempted its Workload for a more urgent one; tekton-kueue stopped the run. */
  private void preempted() {
    Instant created = now.minus(Duration.ofMinutes(30));
    DemoPipeline pipeline = DemoPipeline.TRAIN_MODEL;
    GenericKubernetesResource run = pipelineRun(pipeline, "recommender-train-w8d2k", created);
    Instant started = start(run, created.plusSeconds(5));
    Workloads.markPreempted(workloadOf(run), "pipelinerun-frontend-on-push-x7b2n", started.plus(TASK_DURATION));
    stop(run, pipeline, 2, started);
  }

  /** Someone deactivated its Workload (spec.active false) while it ran. */
  private void deactivated() {
    Instant created = now.minus(Duration.ofMinutes(20));
    DemoPipeline pipeline = DemoPipeline.UNIT_TESTS;
    GenericKubernetesResource run = pipelineRun(pipeline, "payments-unit-tests-d4k9s", created);
    Instant started = start(run, created.plusSeconds(5));
    Workloads.markDeactivated(workloadOf(run), started.plusSeconds(30));
    stop(run, pipeline, 1, started);
  }

  /** A stopped run lets its running tasks finish, skips the rest and ends Cancelled. */
  private void stop(GenericKubernetesResource run, DemoPipeline pipeline, int finishing, Instant started) {
    PipelineRuns.stop(run);
    Instant end = succeedTasks(run, pipeline, finishing, started);
    pipeline.tasks().subList(finishing, pipeline.tasks().size())
        .forEach(task -> PipelineRuns.addSkipped(run, task, PipelineRuns.SKIPPED_WHILE_STOPPING));
    finish(run, FALSE, "Cancelled", PipelineRuns.cancelledMessage(name(run)), end);
  }

  private GenericKubernetesResource pipelineRun(DemoPipeline pipeline, String name, Instant created) {
    return add(PipelineRuns.queued(pipeline, name), created);
  }

  private GenericKubernetesResource workload(GenericKubernetesResource pipelineRun, Instant created) {
    return add(Workloads.forPipelineRun(pipelineRun), created);
  }

  private GenericKubernetesResource taskRun(
      GenericKubernetesResource pipelineRun, DemoPipeline pipeline, int task, Instant created) {
    GenericKubernetesResource taskRun =
        add(TaskRuns.forTask(pipelineRun, pipeline, pipeline.tasks().get(task)), created);
    PipelineRuns.addChild(pipelineRun, name(taskRun), pipeline.tasks().get(task));
    return taskRun;
  }

  /** Kueue admits the run's Workload just before Tekton starts it. */
  private Instant start(GenericKubernetesResource run, Instant at) {
    Instant created = Instant.parse(run.getMetadata().getCreationTimestamp());
    Workloads.markAdmitted(workload(run, created.plusSeconds(1)), at.minusSeconds(1));
    PipelineRuns.release(run);
    PipelineRuns.markStarted(run, at);
    return at;
  }

  private Instant succeedTasks(
      GenericKubernetesResource run, DemoPipeline pipeline, int count, Instant from) {
    Instant at = from;
    for (int task = 0; task < count; task++) {
      GenericKubernetesResource taskRun = taskRun(run, pipeline, task, at);
      TaskRuns.markRunning(taskRun, at);
      at = at.plus(TASK_DURATION);
      TaskRuns.markFinished(taskRun, TRUE, "Succeeded", TaskRuns.SUCCEEDED_MESSAGE, at);
      at = at.plusSeconds(1);
    }
    return at;
  }

  private void finish(
      GenericKubernetesResource run, String status, String reason, String message, Instant at) {
    PipelineRuns.markFinished(run, status, reason, message, at);
    Workloads.markFinished(workloadOf(run), TRUE.equals(status), message, at.plusSeconds(1));
  }

  private GenericKubernetesResource workloadOf(GenericKubernetesResource run) {
    return objects.stream()
        .filter(object -> object.getMetadata().getName().equals(Workloads.name(run)))
        .findFirst()
        .orElseThrow();
  }

  private static String name(GenericKubernetesResource object) {
    return object.getMetadata().getName();
  }

  private GenericKubernetesResource add(GenericKubernetesResource object, Instant created) {
    object.getMetadata().setUid(UUID.randomUUID().toString());
    object.getMetadata().setCreationTimestamp(DemoStatus.timestamp(created));
    object.getMetadata().setGeneration(1L);
    objects.add(object);
    return object;
  }
}
