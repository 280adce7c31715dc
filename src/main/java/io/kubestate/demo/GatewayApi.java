package io.kubestate.demo;

import static io.kubestate.demo.DemoStatus.FALSE;
import static io.kubestate.demo.DemoStatus.TRUE;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Gateway API and Kuadrant objects of the demo, and how Istio reprograms a listener: the
 * https listener of Gateway edge/public loses its Programmed condition while Istio rolls out a new
 * certificate, and with it the Gateway, then both are Programmed again.
 */
final class GatewayApi {

  static final String NAMESPACE = "edge";
  static final String GATEWAY = "public";
  static final String LISTENER = "https";

  private GatewayApi() {
  }

  static List<GenericKubernetesResource> seed(Instant now) {
    return DemoManifests.load("gateway-api", now);
  }

  static List<DemoCycle> cycles() {
    return List.of(new DemoCycle(DemoKinds.GATEWAYS, NAMESPACE, GATEWAY, List.of(
        (gateway, at) -> programmed(gateway, FALSE, "Pending",
            "Waiting for the deployment of the Gateway's proxy to roll out the new certificate", at),
        (gateway, at) -> programmed(gateway, TRUE, "Programmed", "No errors found", at))));
  }

  private static void programmed(
      GenericKubernetesResource gateway, String status, String reason, String message, Instant at) {
    long generation = gateway.getMetadata().getGeneration();
    for (Map<String, Object> listener : DemoStatus.list(DemoStatus.status(gateway), "listeners")) {
      if (LISTENER.equals(listener.get("name"))) {
        replace(DemoStatus.list(listener, "conditions"), condition("Programmed", status, reason, message, generation, at));
      }
    }
    String gatewayMessage = TRUE.equals(status)
        ? "Resource programmed, assigned to service(s) public-istio.edge.svc.cluster.local:443"
        : "Listener " + LISTENER + " is not programmed: " + message;
    DemoStatus.setCondition(gateway, condition("Programmed", status, reason, gatewayMessage, generation, at));
  }

  /** Gateway API conditions keep their place in the list: replaced in place, not moved to the end. */
  private static void replace(List<Map<String, Object>> conditions, Map<String, Object> condition) {
    for (int i = 0; i < conditions.size(); i++) {
      if (condition.get("type").equals(conditions.get(i).get("type"))) {
        conditions.set(i, condition);
        return;
      }
    }
    conditions.add(condition);
  }

  private static Map<String, Object> condition(
      String type, String status, String reason, String message, long generation, Instant at) {
    Map<String, Object> condition = DemoStatus.condition(type, status, reason, message, at);
    condition.put("observedGeneration", generation);
    return condition;
  }
}
