package io.kubestate.demo;

import static io.kubestate.demo.DemoStatus.FALSE;
import static io.kubestate.demo.DemoStatus.TRUE;
import static io.kubestate.demo.DemoStatus.setCondition;
import static io.kubestate.demo.DemoStatus.status;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The Kueue Workloads tekton-kueue creates for PipelineRuns, and how Kueue admits and finishes them. */
final class Workloads {

  static final String LOCAL_QUEUE = "pipelines-queue";
  static final String CLUSTER_QUEUE = "cluster-pipelines";
  static final String POD_SET = "pod-set-1";
  static final String PENDING_MESSAGE = "couldn't assign flavors to pod set pod-set-1: "
      + "insufficient unused quota for tekton.dev/pipelineruns in flavor default-flavor, "
      + "1 more needed";

  private static final String PIPELINE_RUN_SLOTS = "tekton.dev/pipelineruns";
  private static final String FLAVOR = "default-flavor";

  private Workloads() {
  }

  /** Kueue names a job's Workload after the owner plus a short hash, so a re-created owner gets a new one. */
  static String name(GenericKubernetesResource pipelineRun) {
    return "pipelinerun-" + pipelineRun.getMetadata().getName() + "-"
        + sha1Hex(pipelineRun.getMetadata().getUid()).substring(0, 5);
  }

  static GenericKubernetesResource forPipelineRun(GenericKubernetesResource pipelineRun) {
    String runUid = pipelineRun.getMetadata().getUid();
    GenericKubernetesResource workload = new GenericKubernetesResource();
    workload.setApiVersion(DemoKinds.WORKLOADS.getGroup() + "/" + DemoKinds.WORKLOADS.getVersion());
    workload.setKind("Workload");
    workload.setMetadata(new ObjectMetaBuilder()
        .withName(name(pipelineRun))
        .withNamespace(pipelineRun.getMetadata().getNamespace())
        .addToLabels("kueue.x-k8s.io/job-uid", runUid)
        .withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion("tekton.dev/v1")
            .withKind("PipelineRun")
            .withName(pipelineRun.getMetadata().getName())
            .withUid(runUid)
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build())
        .build());
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "dummy");
    container.put("image", "dummy");
    container.put("resources", Map.of("requests", slots()));
    Map<String, Object> podSet = new LinkedHashMap<>();
    podSet.put("name", POD_SET);
    podSet.put("count", 1);
    podSet.put("template", Map.of("spec", Map.of("containers", List.of(container))));
    Map<String, Object> spec = DemoStatus.spec(workload);
    spec.put("active", true);
    spec.put("queueName", LOCAL_QUEUE);
    spec.put("priority", 0);
    spec.put("podSets", List.of(podSet));
    return workload;
  }

  static void markPending(GenericKubernetesResource workload, Instant at) {
    setCondition(workload, condition("QuotaReserved", FALSE, "Pending", PENDING_MESSAGE, at));
    status(workload).put("resourceRequests", List.of(Map.of("name", POD_SET, "resources", slots())));
  }

  static void markAdmitted(GenericKubernetesResource workload, Instant at) {
    Map<String, Object> assignment = new LinkedHashMap<>();
    assignment.put("name", POD_SET);
    assignment.put("count", 1);
    assignment.put("flavors", Map.of(PIPELINE_RUN_SLOTS, FLAVOR));
    assignment.put("resourceUsage", slots());
    Map<String, Object> admission = new LinkedHashMap<>();
    admission.put("clusterQueue", CLUSTER_QUEUE);
    admission.put("podSetAssignments", List.of(assignment));
    status(workload).put("admission", admission);
    status(workload).remove("resourceRequests");
    setCondition(workload, condition("QuotaReserved", TRUE, "QuotaReserved",
        "Quota reserved in ClusterQueue " + CLUSTER_QUEUE, at));
    setCondition(workload, condition("Admitted", TRUE, "Admitted", "The workload is admitted", at));
  }

  /**
   * Kueue preempts an admitted Workload for one of higher priority in the same ClusterQueue: it
   * evicts it, releases its quota and requeues it; tekton-kueue then stops the PipelineRun.
   */
  static void markPreempted(GenericKubernetesResource workload, String preemptor, Instant at) {
    String message = ("Preempted to accommodate a workload (UID: %s, JobUID: %s) due to prioritization "
        + "in the ClusterQueue; preemptor path: /%s; preemptee path: /%s")
        .formatted(uidOf(preemptor), uidOf(preemptor + "-job"), CLUSTER_QUEUE, CLUSTER_QUEUE);
    setCondition(workload, condition("Preempted", TRUE, "InClusterQueue", message, at));
    evict(workload, "Preempted", message, at);
    setCondition(workload, condition("Requeued", TRUE, "Preempted", message, at));
  }

  /** Someone set spec.active to false: Kueue evicts the Workload and does not requeue it. */
  static void markDeactivated(GenericKubernetesResource workload, Instant at) {
    DemoStatus.spec(workload).put("active", false);
    evict(workload, "Deactivated", "The workload is deactivated", at);
  }

  private static void evict(GenericKubernetesResource workload, String reason, String message, Instant at) {
    setCondition(workload, condition("Evicted", TRUE, reason, message, at));
    setCondition(workload, condition("QuotaReserved", FALSE, reason, message, at));
    setCondition(workload, condition("Admitted", FALSE, "NoReservation", "The workload has no reservation", at));
    status(workload).remove("admission");
    status(workload).put("schedulingStats",
        Map.of("evictions", List.of(Map.of("reason", reason, "underlyingCause", "", "count", 1))));
  }

  /** tekton-kueue copies the PipelineRun's message; success means reason Succeeded or Completed there. */
  static void markFinished(
      GenericKubernetesResource workload, boolean succeeded, String message, Instant at) {
    setCondition(workload, condition("Finished", TRUE, succeeded ? "Succeeded" : "Failed", message, at));
  }

  private static Map<String, Object> condition(
      String type, String status, String reason, String message, Instant at) {
    Map<String, Object> condition = DemoStatus.condition(type, status, reason, message, at);
    condition.put("observedGeneration", 1);
    return condition;
  }

  private static Map<String, Object> slots() {
    return Map.of(PIPELINE_RUN_SLOTS, "1");
  }

  /** A stable made-up UID for a Workload the demo does not create, such as a preemptor. */
  private static String uidOf(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  private static String sha1Hex(String value) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
  }
}
