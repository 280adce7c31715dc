package io.kubestate.expr;

import static io.kubestate.expr.Collected.NOW;
import static io.kubestate.expr.Collected.collect;
import static io.kubestate.expr.Collected.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Families evaluated on objects, read back as the samples a user would see. */
class FamilyEvaluationTest {





  private static final String GATEWAY = """
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: gw, namespace: infra}
      status:
        listeners:
          - name: http
            conditions:
              - {type: Accepted, status: "True"}
              - {type: Programmed, status: "False"}
          - name: https
            conditions:
              - {type: Accepted, status: "True"}
      """;

  @Test
  void nestedIterationCarriesAttributesFromEveryLevel() {
    Collected c = collect("""
        kind: MetricsConfig
        resources:
          - group: gateway.networking.k8s.io
            version: v1
            kind: Gateway
            attributes: {namespace: metadata.namespace, name: metadata.name}
            families:
              - name: gatewayapi_gateway_status_listeners_conditions
                type: gauge
                each: [status.listeners, conditions]
                attributes: {listener_name: ^.name, type: type}
                value: {path: status, map: {"True": 1}, default: 0}
        """, List.of(yaml(GATEWAY)));
    assertThat(c.samples).extracting(s -> s.attributes().get("listener_name"), s -> s.attributes().get("type"),
            Collected.Sample::value)
        .containsExactly(tuple("http", "Accepted", 1.0), tuple("http", "Programmed", 0.0),
            tuple("https", "Accepted", 1.0));
    assertThat(c.samples).allSatisfy(s -> assertThat(s.attributes())
        .containsEntry("namespace", "infra").containsEntry("name", "gw"));
    assertThat(c.problems).isEmpty();
  }

  @Test
  void statesetEmitsEveryStateAndFlagsAnUnexpectedOne() {
    String config = """
        kind: MetricsConfig
        resources:
          - group: argoproj.io
            version: v1beta1
            kind: ArgoCD
            families:
              - name: argocd.server.status
                type: stateset
                stateAttribute: status
                states: [Unknown, Pending, Running, Available]
                value: status.server
        """;
    Collected c = collect(config, List.of(yaml("{status: {server: Running}}")));
    assertThat(c.samples).extracting(s -> s.attributes().get("status"), Collected.Sample::value)
        .containsExactly(tuple("Unknown", 0.0), tuple("Pending", 0.0), tuple("Running", 1.0), tuple("Available", 0.0));

    Collected odd = collect(config, List.of(yaml("{status: {server: Exploded}}")));
    assertThat(odd.samples).extracting(Collected.Sample::value).containsOnly(0.0);
    assertThat(odd.problems).containsExactly("argocd.server.status:unexpected_state");
  }

  @Test
  void aggregatesCountAndSumAcrossObjects() {
    Collected c = collect("""
        kind: MetricsConfig
        resources:
          - group: tekton.dev
            version: v1
            kind: PipelineRun
            attributes: {ns: metadata.namespace, name: metadata.name}
            families:
              - name: runs
                type: gauge
                attributes: {status: {path: 'status.conditions[type=Succeeded].status', default: Unknown}}
                aggregate: {function: count, by: [ns, status]}
              - name: children
                type: gauge
                value: {path: status.children, default: 0}
                aggregate: {function: sum, by: [ns]}
        """, List.of(
            yaml("{metadata: {namespace: a, name: r1}, status: {children: 2, conditions: [{type: Succeeded, status: 'True'}]}}"),
            yaml("{metadata: {namespace: a, name: r2}, status: {children: 3, conditions: [{type: Succeeded, status: 'True'}]}}"),
            yaml("{metadata: {namespace: b, name: r3}}")));
    assertThat(c.samples).filteredOn(s -> s.family().equals("runs"))
        .extracting(s -> s.attributes().get("ns"), s -> s.attributes().get("status"), Collected.Sample::value)
        .containsExactlyInAnyOrder(tuple("a", "True", 2.0), tuple("b", "Unknown", 1.0));
    assertThat(c.samples).filteredOn(s -> s.family().equals("children"))
        .extracting(s -> s.attributes(), Collected.Sample::value)
        .containsExactlyInAnyOrder(tuple(Map.of("ns", "a"), 5.0), tuple(Map.of("ns", "b"), 0.0));
  }

  @Test
  void conditionsFilterSamplesAndDurationsUseTheClock() {
    Collected c = collect("""
        kind: MetricsConfig
        resources:
          - group: kueue.x-k8s.io
            version: v1beta1
            kind: Workload
            attributes: {name: metadata.name}
            families:
              - name: pending
                type: gauge
                unit: s
                when: [{path: 'status.conditions[type=QuotaReserved].status', notEquals: "True"}]
                value: {duration: {from: metadata.creationTimestamp}}
        """, List.of(
            yaml("{metadata: {name: waiting, creationTimestamp: '2026-08-24T11:00:00Z'}}"),
            yaml("{metadata: {name: admitted, creationTimestamp: '2026-08-24T11:00:00Z'}, "
                + "status: {conditions: [{type: QuotaReserved, status: 'True'}]}}")));
    assertThat(c.samples).extracting(s -> s.attributes().get("name"), Collected.Sample::value)
        .containsExactly(tuple("waiting", 3600.0));
  }

  @Test
  void mapsIterateWithTheirKeys() {
    Collected c = collect("""
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Pool
            families:
              - name: pool.ready
                type: gauge
                each: status.pools
                attributes: {pool: "@key"}
                value: ready
        """, List.of(yaml("{status: {pools: {a: {ready: 1}, b: {ready: 4}}}}")));
    assertThat(c.samples).extracting(s -> s.attributes().get("pool"), Collected.Sample::value)
        .containsExactly(tuple("a", 1.0), tuple("b", 4.0));
  }

  @Test
  void anObjectOfAnUnexpectedShapeCostsOnlyItsOwnSamples() {
    Collected c = collect("""
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Thing
            attributes: {name: metadata.name}
            families:
              - name: thing.replicas
                type: gauge
                value: spec.replicas
              - name: thing.info
                type: info
                attributes: {owner: spec.owner}
        """, List.of(
            yaml("{metadata: {name: good}, spec: {replicas: 3, owner: me}}"),
            yaml("{metadata: {name: bad}, spec: {replicas: lots, owner: {nested: map}}}"),
            yaml("{metadata: {name: odd}, spec: [1, 2]}")));
    assertThat(c.samples).extracting(Collected.Sample::family, s -> s.attributes().get("name"))
        .containsExactlyInAnyOrder(tuple("thing.replicas", "good"), tuple("thing.info", "good"),
            tuple("thing.info", "odd"));
    assertThat(c.problems).containsExactlyInAnyOrder("thing.replicas:not_a_number", "thing.info:not_a_scalar");
  }

  @Test
  void attributesFromSpreadMapsAndYieldToFixedKeys() {
    Collected c = collect("""
        kind: MetricsConfig
        resources:
          - group: gateway.networking.k8s.io
            version: v1
            kind: Gateway
            attributes: {name: metadata.name}
            attributesFrom: [{path: metadata.labels, prefix: label_}]
            families:
              - name: gateway.labels
                type: info
                attributes: {label_team: {value: fixed}}
                attributesFrom: [{path: metadata.annotations}]
        """, List.of(yaml("""
            metadata:
              name: gw
              labels: {team: edge, app.kubernetes.io/name: envoy}
              annotations: {owner: alice, nested: {a: b}}
            """)));
    assertThat(c.samples).singleElement().extracting(Collected.Sample::attributes).isEqualTo(Map.of(
        "name", "gw", "label_team", "fixed", "label_app.kubernetes.io/name", "envoy", "owner", "alice"));
  }

  @Test
  void anUnmappedValueGivesItsResultAndIsCounted() {
    Collected c = collect("""
        kind: MetricsConfig
        resources:
          - group: argoproj.io
            version: v1beta1
            kind: ArgoCD
            families:
              - name: argocd.server.status
                type: gauge
                value: {path: status.server, map: {Unknown: 0, Pending: 1, Running: 2, Available: 3}, unmapped: 0}
        """, List.of(yaml("{status: {server: Available}}"), yaml("{status: {server: Exploding}}"), yaml("{}")));
    assertThat(c.samples).extracting(Collected.Sample::value).containsExactly(3.0, 0.0);
    assertThat(c.problems).containsExactly("argocd.server.status:unexpected_value");
  }
}
