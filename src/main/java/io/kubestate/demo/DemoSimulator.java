package io.kubestate.demo;

import static io.kubestate.demo.DemoStatus.FALSE;
import static io.kubestate.demo.DemoStatus.TRUE;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Plays the Tekton, Kueue and tekton-kueue controllers against the demo cluster: every tick it may
 * queue a new PipelineRun, admits queued ones while quota lasts, moves running ones from task to
 * task until they end (or Kueue preempts them), and deletes runs that finished a while ago. The
 * seeded runs are left alone so that every state stays visible; the {@link DemoCycles} move some
 * seeded Gateway API, Argo CD and Tanzu objects out of their state and back.
 */
public final class DemoSimulator implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(DemoSimulator.class.getName());
  private static final int MAX_RUNS = 15;
  private static final int RUNNING_QUOTA = 4;
  private static final int MIN_QUEUED_TICKS = 2;
  private static final int FINISHED_RETENTION_TICKS = 20;
  private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private final DemoEdits edits;
  private final DemoCycles cycles;
  private final Random random;
  private final Clock clock;
  private final Runnable afterEachTick;
  private final Map<String, TrackedRun> runs = new LinkedHashMap<>();
  private ScheduledExecutorService scheduler;
  private long tick;

  DemoSimulator(KubernetesClient client, long seed, Clock clock, Runnable afterEachTick) {
    this.edits = new DemoEdits(client);
    this.random = new Random(seed);
    this.cycles = new DemoCycles(edits, random, DemoCycles.all());
    this.clock = clock;
    this.afterEachTick = afterEachTick;
  }

  /** Runs one step now, on the calling thread. */
  public synchronized void tick() {
    tick++;
    deleteExpiredRuns();
    for (TrackedRun run : List.copyOf(runs.values())) {
      advanceOrForget(run);
    }
    if (runs.size() < MAX_RUNS && random.nextBoolean()) {
      TrackedRun created = create();
      runs.put(created.name(), created);
    }
    cycles.tick(clock.instant());
    afterEachTick.run();
  }

  /** Ticks every {@code period} on a daemon thread until {@link #close()}. */
  public synchronized void start(Duration period) {
    if (scheduler != null) {
      throw new IllegalStateException("The simulation is already running");
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "demo-simulator");
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleWithFixedDelay(
        this::tickLoggingFailures, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    ScheduledExecutorService stopping;
    synchronized (this) {
      stopping = scheduler;
    }
    if (stopping == null) {
      return;
    }
    stopping.shutdown();
    try {
      stopping.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void tickLoggingFailures() {
    try {
      tick();
    } catch (RuntimeException e) {
      logger.warning(() -> "Demo simulation step failed: " + e);
    }
  }

  /** Anyone can delete objects with kubectl; a run that vanished is dropped, not retried forever. */
  private void advanceOrForget(TrackedRun run) {
    try {
      runs.put(run.name(), advance(run));
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      runs.remove(run.name());
      logger.info(() -> "No longer simulating %s/%s: %s"
          .formatted(run.namespace(), run.name(), e.getMessage()));
    }
  }

  private TrackedRun advance(TrackedRun run) {
    return switch (run.phase()) {
      case QUEUED -> mayAdmit(run) ? admit(run) : run;
      case RUNNING -> run.waitingTicks() > 0 ? keepWaiting(run) : step(run);
      case FINISHED -> run;
    };
  }

  private boolean mayAdmit(TrackedRun run) {
    long running = runs.values().stream().filter(other -> other.phase() == Phase.RUNNING).count();
    return tick - run.since() >= MIN_QUEUED_TICKS && running < RUNNING_QUOTA;
  }

  private TrackedRun create() {
    DemoPipeline pipeline = DemoPipeline.ALL.get(random.nextInt(DemoPipeline.ALL.size()));
    String prefix = pipeline.runPrefixes().get(random.nextInt(pipeline.runPrefixes().size()));
    Instant now = clock.instant();
    GenericKubernetesResource run = edits.createWithStatus(DemoKinds.PIPELINE_RUNS,
        PipelineRuns.queued(pipeline, prefix + "-" + randomSuffix()), r -> PipelineRuns.markPending(r, now));
    GenericKubernetesResource workload = edits.createWithStatus(DemoKinds.WORKLOADS,
        Workloads.forPipelineRun(run), w -> Workloads.markPending(w, now));
    return new TrackedRun(run.getMetadata().getName(), workload.getMetadata().getName(), plan(pipeline),
        Phase.QUEUED, tick, 0, 0);
  }

  private Plan plan(DemoPipeline pipeline) {
    int lastTask = pipeline.tasks().size() - 1;
    int roll = random.nextInt(100);
    if (roll < 40) {
      return new Plan(pipeline, Outcome.SUCCEEDED, lastTask);
    }
    if (roll < 55) {
      return new Plan(pipeline, Outcome.COMPLETED, lastTask - 1);
    }
    Outcome failure = roll < 67 ? Outcome.FAILED
        : roll < 75 ? Outcome.IMAGE_PULL_FAILED
        : roll < 83 ? Outcome.TIMED_OUT
        : roll < 91 ? Outcome.CANCELLED
        : Outcome.PREEMPTED;
    return new Plan(pipeline, failure, random.nextInt(pipeline.tasks().size()));
  }

  private TrackedRun admit(TrackedRun run) {
    Instant now = clock.instant();
    edits.editStatus(DemoKinds.WORKLOADS, run.namespace(), run.workload(), w -> Workloads.markAdmitted(w, now));
    pipelineRun(run).edit(r -> {
      PipelineRuns.release(r);
      return r;
    });
    return startTask(run.enter(Phase.RUNNING, tick), 0);
  }

  /**
   * Starts the TaskRun of a task, and with the first one the PipelineRun. Its pod may first wait for
   * node capacity for a few ticks, and the task planned to fail by image pull reports PullImageFailed
   * for a while before it fails.
   */
  private TrackedRun startTask(TrackedRun run, int index) {
    DemoPipeline.Task task = run.plan().pipeline().tasks().get(index);
    Instant now = clock.instant();
    GenericKubernetesResource pipelineRun =
        edits.editStatus(DemoKinds.PIPELINE_RUNS, run.namespace(), run.name(), r -> {
          if (index == 0) {
            PipelineRuns.markStarted(r, now);
          }
          PipelineRuns.addChild(r, TaskRuns.name(r, task), task);
          PipelineRuns.markRunning(r, index, run.taskCount() - index, now);
        });
    int waitingTicks;
    Consumer<GenericKubernetesResource> firstStatus;
    if (run.plan().outcome() == Outcome.IMAGE_PULL_FAILED && index == run.plan().lastTask()) {
      waitingTicks = 2;
      firstStatus = t -> TaskRuns.markPullingImage(t, task, now);
    } else if (random.nextInt(6) == 0) {
      waitingTicks = 1 + random.nextInt(3);
      firstStatus = t -> TaskRuns.markWaitingForNode(t, now);
    } else {
      waitingTicks = 0;
      firstStatus = t -> TaskRuns.markRunning(t, now);
    }
    edits.createWithStatus(DemoKinds.TASK_RUNS,
        TaskRuns.forTask(pipelineRun, run.plan().pipeline(), task), firstStatus);
    return run.atTask(index, waitingTicks);
  }

  private TrackedRun keepWaiting(TrackedRun run) {
    int left = run.waitingTicks() - 1;
    if (left > 0) {
      return run.atTask(run.task(), left);
    }
    if (run.plan().outcome() == Outcome.IMAGE_PULL_FAILED && run.task() == run.plan().lastTask()) {
      return finish(run);
    }
    Instant now = clock.instant();
    edits.editStatus(DemoKinds.TASK_RUNS, run.namespace(), run.taskRunName(), t -> TaskRuns.markRunning(t, now));
    return run.atTask(run.task(), 0);
  }

  private TrackedRun step(TrackedRun run) {
    if (run.task() == run.plan().lastTask()) {
      return finish(run);
    }
    Instant now = clock.instant();
    edits.editStatus(DemoKinds.TASK_RUNS, run.namespace(), run.taskRunName(),
        t -> TaskRuns.markFinished(t, TRUE, "Succeeded", TaskRuns.SUCCEEDED_MESSAGE, now));
    return startTask(run, run.task() + 1);
  }

  private TrackedRun finish(TrackedRun run) {
    Instant now = clock.instant();
    Ending ending = ending(run);
    if (run.plan().outcome() == Outcome.PREEMPTED) {
      edits.editStatus(DemoKinds.WORKLOADS, run.namespace(), run.workload(),
          w -> Workloads.markPreempted(w, "pipelinerun-release-" + randomSuffix(), now));
    }
    if (run.plan().outcome() == Outcome.CANCELLED || run.plan().outcome() == Outcome.PREEMPTED) {
      pipelineRun(run).edit(r -> {
        if (run.plan().outcome() == Outcome.PREEMPTED) {
          PipelineRuns.stop(r);
        } else {
          PipelineRuns.cancel(r);
        }
        return r;
      });
    }
    edits.editStatus(DemoKinds.TASK_RUNS, run.namespace(), run.taskRunName(),
        t -> TaskRuns.markFinished(t, ending.taskStatus(), ending.taskReason(), ending.taskMessage(), now));
    edits.editStatus(DemoKinds.PIPELINE_RUNS, run.namespace(), run.name(), r -> {
      if (ending.skipReason() != null) {
        run.tasksAfterCurrent().forEach(task -> PipelineRuns.addSkipped(r, task, ending.skipReason()));
      }
      PipelineRuns.markFinished(r, ending.runStatus(), ending.runReason(), ending.runMessage(), now);
    });
    edits.editStatus(DemoKinds.WORKLOADS, run.namespace(), run.workload(),
        w -> Workloads.markFinished(w, TRUE.equals(ending.runStatus()), ending.runMessage(), now));
    return run.enter(Phase.FINISHED, tick);
  }

  private static Ending ending(TrackedRun run) {
    DemoPipeline.Task task = run.plan().pipeline().tasks().get(run.task());
    int completed = run.task() + 1;
    int skipped = run.tasksAfterCurrent().size();
    String taskRun = run.taskRunName();
    return switch (run.plan().outcome()) {
      case SUCCEEDED -> new Ending(TRUE, "Succeeded", TaskRuns.SUCCEEDED_MESSAGE,
          TRUE, "Succeeded", PipelineRuns.summary(completed, 0, skipped), null);
      case COMPLETED -> new Ending(TRUE, "Succeeded", TaskRuns.SUCCEEDED_MESSAGE,
          TRUE, "Completed", PipelineRuns.summary(completed, 0, skipped), PipelineRuns.SKIPPED_BY_WHEN);
      case FAILED -> new Ending(FALSE, "Failed", TaskRuns.stepFailedMessage(task),
          FALSE, "Failed", PipelineRuns.summary(completed, 1, skipped), PipelineRuns.SKIPPED_WHILE_STOPPING);
      case IMAGE_PULL_FAILED -> new Ending(FALSE, "TaskRunImagePullFailed",
          TaskRuns.imagePullFailedMessage(taskRun, task),
          FALSE, "Failed", PipelineRuns.summary(completed, 1, skipped), PipelineRuns.SKIPPED_WHILE_STOPPING);
      case TIMED_OUT -> new Ending(FALSE, "TaskRunCancelled", TaskRuns.cancelledMessage(taskRun, true),
          FALSE, "PipelineRunTimeout", PipelineRuns.timedOutMessage(run.name()), null);
      case CANCELLED -> new Ending(FALSE, "TaskRunCancelled", TaskRuns.cancelledMessage(taskRun, false),
          FALSE, "Cancelled", PipelineRuns.cancelledMessage(run.name()), null);
      // A stopped run lets its running task finish and skips the rest.
      case PREEMPTED -> new Ending(TRUE, "Succeeded", TaskRuns.SUCCEEDED_MESSAGE,
          FALSE, "Cancelled", PipelineRuns.cancelledMessage(run.name()), PipelineRuns.SKIPPED_WHILE_STOPPING);
    };
  }

  private void deleteExpiredRuns() {
    List<TrackedRun> expired = runs.values().stream()
        .filter(run -> run.phase() == Phase.FINISHED && tick - run.since() >= FINISHED_RETENTION_TICKS)
        .toList();
    for (TrackedRun run : expired) {
      edits.resources(DemoKinds.TASK_RUNS, run.namespace())
          .withLabel(TaskRuns.PIPELINE_RUN_LABEL, run.name())
          .delete();
      edits.resources(DemoKinds.WORKLOADS, run.namespace()).withName(run.workload()).delete();
      pipelineRun(run).delete();
      runs.remove(run.name());
    }
  }

  private String randomSuffix() {
    StringBuilder suffix = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      suffix.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    return suffix.toString();
  }

  private Resource<GenericKubernetesResource> pipelineRun(TrackedRun run) {
    return edits.resources(DemoKinds.PIPELINE_RUNS, run.namespace()).withName(run.name());
  }

  private enum Phase { QUEUED, RUNNING, FINISHED }

  private enum Outcome { SUCCEEDED, COMPLETED, FAILED, IMAGE_PULL_FAILED, TIMED_OUT, CANCELLED, PREEMPTED }

  /** What a run will do, decided when it is created: its outcome and the task at which it ends. */
  private record Plan(DemoPipeline pipeline, Outcome outcome, int lastTask) {
  }

  /**
   * A run the simulator drives: its phase since which tick, the task whose TaskRun is current and
   * how many more ticks that TaskRun waits before running or failing.
   */
  private record TrackedRun(String name, String workload, Plan plan, Phase phase, long since, int task,
      int waitingTicks) {

    String namespace() {
      return plan.pipeline().namespace();
    }

    int taskCount() {
      return plan.pipeline().tasks().size();
    }

    String taskRunName() {
      return name + "-" + plan.pipeline().tasks().get(task).pipelineTask();
    }

    List<DemoPipeline.Task> tasksAfterCurrent() {
      return plan.pipeline().tasks().subList(task + 1, taskCount());
    }

    TrackedRun enter(Phase next, long atTick) {
      return new TrackedRun(name, workload, plan, next, atTick, task, 0);
    }

    TrackedRun atTask(int index, int waiting) {
      return new TrackedRun(name, workload, plan, phase, since, index, waiting);
    }
  }

  /** How the current TaskRun and the PipelineRun end, and why the tasks after the current one are skipped. */
  private record Ending(String taskStatus, String taskReason, String taskMessage,
      String runStatus, String runReason, String runMessage, String skipReason) {
  }
}
