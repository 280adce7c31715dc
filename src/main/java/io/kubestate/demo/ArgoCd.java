package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Argo CD operator instances and Applications of the demo, and what the operator and Argo CD
 * report as they change: instance argocd/argocd restarts its server (Pending, then Running, then
 * the instance is Available again), and Application argocd/storefront falls out of sync with a new
 * commit and syncs again (OutOfSync, then Synced and Progressing while it rolls out, then Healthy).
 */
final class ArgoCd {

  static final String NAMESPACE = "argocd";
  static final String INSTANCE = "argocd";
  static final String APPLICATION = "storefront";
  private static final String[] REVISIONS =
      {"8d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f", "b7e9d1c3a5f7e9b1d3c5a7f9e1b3d5c7a9f1e3b5"};

  private ArgoCd() {
  }

  static List<GenericKubernetesResource> seed(Instant now) {
    return DemoManifests.load("argocd", now);
  }

  static List<DemoCycle> cycles() {
    return List.of(
        new DemoCycle(DemoKinds.ARGO_CDS, NAMESPACE, INSTANCE, List.of(
            (instance, at) -> {
              DemoStatus.status(instance).put("server", "Pending");
              DemoStatus.status(instance).put("phase", "Pending");
            },
            (instance, at) -> DemoStatus.status(instance).put("server", "Running"),
            (instance, at) -> DemoStatus.status(instance).put("phase", "Available"))),
        new DemoCycle(DemoKinds.APPLICATIONS, NAMESPACE, APPLICATION, List.of(
            (application, at) -> sync(application).put("status", "OutOfSync"),
            ArgoCd::startSync,
            ArgoCd::finishSync)));
  }

  private static void startSync(GenericKubernetesResource application, Instant at) {
    String revision = nextRevision(application);
    Map<String, Object> status = DemoStatus.status(application);
    sync(application).put("status", "Synced");
    sync(application).put("revision", revision);
    health(application, "Progressing", at).put("message", "Waiting for rollout to finish: 1 old replicas are pending termination...");
    Map<String, Object> operation = new LinkedHashMap<>();
    operation.put("operation", Map.of("sync", Map.of("revision", revision), "initiatedBy", Map.of("automated", true)));
    operation.put("phase", "Running");
    operation.put("message", "waiting for healthy state of apps/Deployment/storefront");
    operation.put("startedAt", DemoStatus.timestamp(at));
    status.put("operationState", operation);
    status.put("reconciledAt", DemoStatus.timestamp(at));
  }

  @SuppressWarnings("unchecked")
  private static void finishSync(GenericKubernetesResource application, Instant at) {
    Map<String, Object> status = DemoStatus.status(application);
    health(application, "Healthy", at).remove("message");
    Map<String, Object> operation = (Map<String, Object>) status.get("operationState");
    operation.put("phase", "Succeeded");
    operation.put("message", "successfully synced (all tasks run)");
    operation.put("finishedAt", DemoStatus.timestamp(at));
    status.put("reconciledAt", DemoStatus.timestamp(at));
  }

  private static String nextRevision(GenericKubernetesResource application) {
    return REVISIONS[0].equals(sync(application).get("revision")) ? REVISIONS[1] : REVISIONS[0];
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> sync(GenericKubernetesResource application) {
    return (Map<String, Object>) DemoStatus.status(application)
        .computeIfAbsent("sync", k -> new LinkedHashMap<String, Object>());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> health(GenericKubernetesResource application, String state, Instant at) {
    Map<String, Object> health = (Map<String, Object>) DemoStatus.status(application)
        .computeIfAbsent("health", k -> new LinkedHashMap<String, Object>());
    health.put("status", state);
    health.put("lastTransitionTime", DemoStatus.timestamp(at));
    return health;
  }
}
