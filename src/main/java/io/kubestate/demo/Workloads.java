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

  private static String sha1Hex(String value) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(value.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every Java platform", e);
    }
  }
}
