package io.kubestate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.telemetry.StateMetrics;
import io.kubestate.telemetry.Telemetry;
import io.kubestate.telemetry.TelemetrySettings;
import io.kubestate.testing.Crds;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway-api preset's per-listener condition family (Kuadrant's exporter proposal,
 * {@code gatewayapi_gateway_status_listeners_conditions}) against fabric8's API mock server in CRUD
 * mode: a Gateway is created, one listener condition changes, the Gateway is deleted, and the test
 * reads the real Prometheus endpoint over HTTP each time.
 */
@EnableKubernetesMockClient(crud = true)
class GatewayListenersIntegrationTest {
  private static final String GATEWAY_API = "gateway.networking.k8s.io";
  private static final ResourceDefinitionContext GATEWAYS = Crds.namespaced(GATEWAY_API, "v1", "Gateway", "gateways");
  private static final String LISTENER_CONDITIONS = "gatewayapi_gateway_status_listeners_conditions";

  private static final String GATEWAY = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata:
        name: edge
        namespace: infra
      spec:
        gatewayClassName: istio
        listeners:
          - {name: http, protocol: HTTP, port: 80}
          - name: https
            protocol: HTTPS
            port: 443
            tls:
              mode: Terminate
              certificateRefs: [{kind: Secret, name: edge-tls}]
      status:
        conditions:
          - {type: Accepted, status: "True", reason: Accepted, message: Resource accepted, lastTransitionTime: "2026-08-24T09:00:00Z"}
          - {type: Programmed, status: "True", reason: Programmed, message: Resource programmed, lastTransitionTime: "2026-08-24T09:00:04Z"}
        listeners:
          - name: http
            attachedRoutes: 2
            supportedKinds: [{group: gateway.networking.k8s.io, kind: HTTPRoute}]
            conditions:
              - {type: Accepted, status: "True", reason: Accepted, message: No errors found, lastTransitionTime: "2026-08-24T09:00:00Z"}
              - {type: Programmed, status: "True", reason: Programmed, message: No errors found, lastTransitionTime: "2026-08-24T09:00:04Z"}
          - name: https
            attachedRoutes: 1
            supportedKinds: [{group: gateway.networking.k8s.io, kind: HTTPRoute}]
            conditions:
              - {type: Accepted, status: "True", reason: Accepted, message: No errors found, lastTransitionTime: "2026-08-24T09:00:00Z"}
              - {type: Programmed, status: "True", reason: Programmed, message: No errors found, lastTransitionTime: "2026-08-24T09:00:04Z"}
              - {type: ResolvedRefs, status: "True", reason: ResolvedRefs, message: No errors found, lastTransitionTime: "2026-08-24T09:00:00Z"}
      """;

  KubernetesMockServer server;
  KubernetesClient client;

  private final List<AutoCloseable> running = new ArrayList<>();
  private int port;

  /** Every kind the preset names, so that every watch starts and the source becomes ready. */
  @BeforeEach
  void installCrds() {
    for (String kind : List.of("Gateway", "HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute")) {
      Crds.install(client, Crds.namespaced(GATEWAY_API, "v1", kind, kind.toLowerCase(Locale.ROOT) + "s"));
    }
    for (String kind : List.of("AuthPolicy", "RateLimitPolicy", "DNSPolicy", "TLSPolicy")) {
      Crds.install(client, Crds.namespaced("kuadrant.io", "v1", kind, kind.toLowerCase(Locale.ROOT).replace("policy", "policies")));
    }
    client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("gatewayclasses." + GATEWAY_API).endMetadata()
        .withNewSpec().withGroup(GATEWAY_API).withScope("Cluster")
        .withNewNames().withKind("GatewayClass").withPlural("gatewayclasses").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
        .endSpec().build()).create();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }

  private InformerSource start() {
    CompiledConfig config = Compiler.compile(ConfigLoader.load(List.of("gateway-api"), List.of()));
    port = Ports.free();
    Telemetry telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", port, 10_000, null, "test", "test",
        Map.of("otel.metrics.exporter", "prometheus")));
    running.add(telemetry);
    InformerSource source = InformerSource.start(client,
        config.kinds().stream().map(KindMetrics::target).toList(), List.of());
    running.add(source);
    running.add(StateMetrics.register(telemetry.meter(StateMetrics.SCOPE, "test"), config, source,
        Clock.systemUTC(), 10_000));
    return source;
  }

  private static String series(String listener, String type, int value) {
    return LISTENER_CONDITIONS + "{listener_name=\"" + listener + "\",name=\"edge\",namespace=\"infra\",type=\""
        + type + "\"} " + value;
  }

  private List<String> listenerConditions() {
    return Scrape.samples(Scrape.text(port), LISTENER_CONDITIONS);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> listenerCondition(GenericKubernetesResource gateway, String listener, String type) {
    Map<String, Object> status = (Map<String, Object>) gateway.getAdditionalProperties().get("status");
    for (Object l : (List<Object>) status.get("listeners")) {
      Map<String, Object> ls = (Map<String, Object>) l;
      if (listener.equals(ls.get("name"))) {
        for (Object c : (List<Object>) ls.get("conditions")) {
          if (type.equals(((Map<String, Object>) c).get("type"))) {
            return (Map<String, Object>) c;
          }
        }
      }
    }
    throw new AssertionError("no " + type + " condition on listener " + listener);
  }

  @Test
  void listenerConditionsFollowTheGatewayThroughCreateUpdateAndDelete() {
    InformerSource source = start();
    await().atMost(Duration.ofSeconds(20)).until(source::ready);

    GenericKubernetesResource gateway =
        client.getKubernetesSerialization().unmarshal(GATEWAY, GenericKubernetesResource.class);
    client.genericKubernetesResources(GATEWAYS).inNamespace("infra").resource(gateway).create();

    // One series per listener and condition, with exactly the labels of Kuadrant's proposal.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(listenerConditions())
        .containsExactlyInAnyOrder(
            series("http", "Accepted", 1),
            series("http", "Programmed", 1),
            series("https", "Accepted", 1),
            series("https", "Programmed", 1),
            series("https", "ResolvedRefs", 1)));
    // The KSM-compatible families of the same watch read the version from the served object.
    String text = Scrape.text(port);
    assertThat(Scrape.samples(text, "gatewayapi_gateway_info")).containsExactly(
        "gatewayapi_gateway_info{customresource_group=\"gateway.networking.k8s.io\",customresource_kind=\"Gateway\","
            + "customresource_version=\"v1\",gatewayclass_name=\"istio\",name=\"edge\",namespace=\"infra\"} 1");
    assertThat(Scrape.samples(text, "gatewayapi_gateway_status_listener_attached_routes"))
        .anySatisfy(l -> assertThat(l).contains("listener_name=\"http\"").endsWith(" 2"))
        .anySatisfy(l -> assertThat(l).contains("listener_name=\"https\"").endsWith(" 1"));

    GenericKubernetesResource current = client.genericKubernetesResources(GATEWAYS).inNamespace("infra")
        .withName("edge").get();
    Map<String, Object> programmed = listenerCondition(current, "https", "Programmed");
    programmed.put("status", "False");
    programmed.put("reason", "Invalid");
    programmed.put("message", "certificate edge-tls not found");
    programmed.put("lastTransitionTime", "2026-08-24T10:00:00Z");
    client.genericKubernetesResources(GATEWAYS).inNamespace("infra").resource(current).update();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(listenerConditions())
        .containsExactlyInAnyOrder(
            series("http", "Accepted", 1),
            series("http", "Programmed", 1),
            series("https", "Accepted", 1),
            series("https", "Programmed", 0),
            series("https", "ResolvedRefs", 1)));

    client.genericKubernetesResources(GATEWAYS).inNamespace("infra").withName("edge").delete();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String after = Scrape.text(port);
      assertThat(Scrape.samples(after, LISTENER_CONDITIONS)).isEmpty();
      assertThat(after).doesNotContain("name=\"edge\"");
    });
  }
}
