package io.kubestate.demo;

import java.util.List;

/** A pipeline the demo runs: its namespace, the name prefixes of its runs and its tasks in order. */
record DemoPipeline(String namespace, String name, List<String> runPrefixes, List<Task> tasks) {

  static final DemoPipeline DOCKER_BUILD = new DemoPipeline("ci", "docker-build",
      List.of("frontend-on-push", "frontend-on-pull-request", "backend-on-push", "backend-on-pull-request"),
      List.of(new Task("clone-repository", "git-clone", "clone"),
          new Task("build-container", "buildah", "build"),
          new Task("sast-snyk-check", "sast-snyk-check", "sast-snyk-check")));

  static final DemoPipeline UNIT_TESTS = new DemoPipeline("ci", "maven-unit-tests",
      List.of("payments-unit-tests"),
      List.of(new Task("clone-repository", "git-clone", "clone"),
          new Task("run-tests", "maven", "mvn-test"),
          new Task("publish-report", "junit-report", "publish")));

  static final DemoPipeline TRAIN_MODEL = new DemoPipeline("ml-team", "train-model",
      List.of("recommender-train", "forecast-train"),
      List.of(new Task("fetch-dataset", "s3-download", "download"),
          new Task("train", "train-model", "train"),
          new Task("evaluate", "evaluate-model", "evaluate")));

  static final List<DemoPipeline> ALL = List.of(DOCKER_BUILD, UNIT_TESTS, TRAIN_MODEL);

  static final List<String> NAMESPACES = List.of("ci", "ml-team");

  DemoPipeline {
    runPrefixes = List.copyOf(runPrefixes);
    tasks = List.copyOf(tasks);
  }

  /** A pipeline task, the Task it runs and the step that fails when it fails. */
  record Task(String pipelineTask, String task, String step) {
  }
}
