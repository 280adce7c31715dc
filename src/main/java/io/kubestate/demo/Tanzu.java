package io.kubestate.demo;

import static io.kubestate.demo.DemoStatus.FALSE;
import static io.kubestate.demo.DemoStatus.TRUE;
import static io.kubestate.demo.DemoStatus.UNKNOWN;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Tanzu Application Platform objects of the demo, and three of the healthy workload's objects
 * as their controllers change them: Knative finds the new Revision of Service
 * prod/tanzu-java-web-app failing and then ready, Flux fails to fetch GitRepository
 * dev/tanzu-java-web-app and then fetches it, and kpack rebuilds Image dev/tanzu-java-web-app.
 */
final class Tanzu {

  static final String APP = "tanzu-java-web-app";
  static final String RUN_NAMESPACE = "prod";
  static final String BUILD_NAMESPACE = "dev";
  private static final String FETCH_ERROR = "failed to checkout and determine revision: unable to clone "
      + "'https://github.com/example-org/tanzu-java-web-app': dial tcp 140.82.121.3:443: i/o timeout";

  private Tanzu() {
  }

  static List<GenericKubernetesResource> seed(Instant now) {
    return DemoManifests.load("tanzu", now);
  }

  static List<DemoCycle> cycles() {
    return List.of(
        new DemoCycle(DemoKinds.KNATIVE_SERVICES, RUN_NAMESPACE, APP, List.of(
            (service, at) -> {
              String message = "Revision \"%s-00005\" failed with message: Back-off pulling image."
                  .formatted(APP);
              DemoStatus.status(service).put("latestCreatedRevisionName", APP + "-00005");
              set(service, "ConfigurationsReady", FALSE, "RevisionFailed", message, at);
              set(service, "Ready", FALSE, "RevisionFailed", message, at);
            },
            (service, at) -> {
              DemoStatus.status(service).put("latestCreatedRevisionName", APP + "-00004");
              set(service, "ConfigurationsReady", TRUE, null, null, at);
              set(service, "Ready", TRUE, null, null, at);
            })),
        new DemoCycle(DemoKinds.GIT_REPOSITORIES, BUILD_NAMESPACE, APP, List.of(
            (repository, at) -> {
              set(repository, "FetchFailed", TRUE, "GitOperationFailed", FETCH_ERROR, at);
              set(repository, "Ready", FALSE, "GitOperationFailed", FETCH_ERROR, at);
            },
            (repository, at) -> {
              DemoStatus.list(DemoStatus.status(repository), "conditions")
                  .removeIf(condition -> "FetchFailed".equals(condition.get("type")));
              set(repository, "Ready", TRUE, "Succeeded",
                  "stored artifact for revision 'main@sha1:3e1d9c7b5a3f1e9d7c5b3a1f9e7d5c3b1a9f7e5d'", at);
            })),
        new DemoCycle(DemoKinds.KPACK_IMAGES, BUILD_NAMESPACE, APP, List.of(
            (image, at) -> {
              Map<String, Object> status = DemoStatus.status(image);
              long build = ((Number) status.getOrDefault("buildCounter", 0)).longValue() + 1;
              status.put("buildCounter", build);
              status.put("latestBuildRef", APP + "-build-" + build);
              set(image, "Ready", UNKNOWN, "Building", "Build '" + APP + "-build-" + build + "' is executing", at);
            },
            (image, at) -> set(image, "Ready", TRUE, "UpToDate", "Last build succeeded", at))));
  }

  /** Knative, Flux and kpack leave reason and message off a condition that has none. */
  private static void set(GenericKubernetesResource object, String type, String status, String reason,
      String message, Instant at) {
    Map<String, Object> condition = DemoStatus.condition(type, status, reason, message, at);
    condition.values().removeIf(value -> value == null);
    DemoStatus.setCondition(object, condition);
  }
}
