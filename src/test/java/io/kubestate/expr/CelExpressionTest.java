package io.kubestate.expr;

import static io.kubestate.expr.Collected.NOW;
import static io.kubestate.expr.Collected.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.kubestate.config.ConfigException;
import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problem;
import io.kubestate.config.Problems;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** CEL expressions in values, attributes and conditions, evaluated on objects as users would see them. */
class CelExpressionTest {



  private static CompiledConfig compile(String config) {
    Problems problems = new Problems();
    CompiledConfig compiled = Compiler.compile(ConfigLoader.parse("test.yaml", config, problems));
    assertThat(problems.list()).isEmpty();
    return compiled;
  }

  private static Collected collect(String config, String... objects) {
    return Collected.collect(config, java.util.Arrays.stream(objects).map(Collected::yaml).toList());
  }

  /** The problems of parsing and compiling a config, as {@code validate} prints them. */
  private static List<String> problems(String config) {
    Problems problems = new Problems();
    Compiler.compile(ConfigLoader.parse("test.yaml", config, problems), problems);
    return problems.list().stream().map(Problem::toString).toList();
  }



  private static String config(String families) {
    return """
        kind: MetricsConfig
        resources:
          - group: example.io
            version: v1
            kind: Thing
            families:
        """ + families.indent(6);
  }

  private static final String GATEWAY = """
      metadata:
        name: gw
        namespace: infra
        labels: {"gateway.networking.k8s.io/class": envoy, tier: edge}
      status:
        listeners:
          - name: http
            attachedRoutes: 3
            conditions:
              - {type: Accepted, status: "True"}
              - {type: Programmed, status: "False"}
          - name: https
            attachedRoutes: 2
            conditions:
              - {type: Accepted, status: "True"}
      """;

  @Test
  void valuesAndAttributesInNestedIterationReadSelfParentAndObject() {
    Collected c = collect("""
        kind: MetricsConfig
        resources:
          - group: gateway.networking.k8s.io
            version: v1
            kind: Gateway
            attributes:
              gateway: {cel: "self.metadata.name + '/' + object.metadata.namespace"}
            families:
              - name: listener.condition
                type: gauge
                each: [status.listeners, conditions]
                attributes:
                  listener: {cel: parent.name}
                  routes: {cel: "parent.attachedRoutes * 10"}
                  type: {cel: self.type}
                  class: {cel: "object.metadata.labels['gateway.networking.k8s.io/class']"}
                value: {cel: "self.status == 'True' ? 1 : 0"}
        """, GATEWAY);
    assertThat(c.problems).isEmpty();
    assertThat(c.samples).extracting(s -> s.attributes().get("listener"), s -> s.attributes().get("routes"),
            s -> s.attributes().get("type"), Collected.Sample::value)
        .containsExactly(
            tuple("http", "30", "Accepted", 1.0),
            tuple("http", "30", "Programmed", 0.0),
            tuple("https", "20", "Accepted", 1.0));
    assertThat(c.samples).allSatisfy(s -> assertThat(s.attributes())
        .containsEntry("gateway", "gw/infra").containsEntry("class", "envoy"));
  }

  @Test
  void topLevelHasNoParentAndMapsIterateWithTheirKey() {
    Collected c = collect(config("""
        - name: top
          type: gauge
          attributes: {has_parent: {cel: "parent != null"}, key: {cel: key}}
          value: {cel: "size(self.metadata.labels)"}
        - name: label
          type: gauge
          each: metadata.labels
          attributes: {label: {cel: key}, value: {cel: self}, kind: {cel: "parent.metadata.name"}}
          value: {cel: "size(self)"}
        """), GATEWAY);
    assertThat(c.problems).isEmpty();
    assertThat(c.samples).filteredOn(s -> s.family().equals("top"))
        .extracting(Collected.Sample::attributes, Collected.Sample::value)
        .containsExactly(tuple(Map.of("has_parent", "false", "key", ""), 2.0));
    assertThat(c.samples).filteredOn(s -> s.family().equals("label"))
        .extracting(s -> s.attributes().get("label"), s -> s.attributes().get("value"),
            s -> s.attributes().get("kind"), Collected.Sample::value)
        .containsExactly(tuple("gateway.networking.k8s.io/class", "envoy", "gw", 5.0), tuple("tier", "edge", "gw", 4.0));
  }

  @Test
  void durationsFromNowTimestampsAndMacros() {
    String families = """
        - name: run.duration
          type: gauge
          unit: s
          value: {cel: "has(object.status.startTime) ? (now - timestamp(object.status.startTime)) : null"}
        - name: run.start
          type: gauge
          value: {cel: "timestamp(object.status.startTime)"}
        - name: run.ready
          type: gauge
          value: {cel: "object.status.conditions.filter(c, c.type == 'Ready' && c.status == 'True').size()"}
        - name: run.timeout
          type: gauge
          value: {cel: "duration(object.spec.timeout)"}
        - name: run.age
          type: gauge
          value: {duration: {from: {cel: "object.metadata.creationTimestamp"}}}
        - name: run.done
          type: gauge
          value: {cel: "object.?status.?completionTime.hasValue()", map: {"true": 1, "false": 0}}
        """;
    Collected c = collect(config(families), """
        metadata: {creationTimestamp: "2026-08-24T10:00:00Z"}
        spec: {timeout: 1h30m}
        status:
          startTime: "2026-08-24T11:00:00.5Z"
          conditions: [{type: Ready, status: "True"}, {type: Ready, status: "False"}, {type: Other, status: "True"}]
        """);
    assertThat(c.problems).isEmpty();
    assertThat(c.samples).extracting(Collected.Sample::family, Collected.Sample::value).containsExactly(
        tuple("run.duration", 3599.5),
        tuple("run.start", Instant.parse("2026-08-24T11:00:00.5Z").toEpochMilli() / 1000.0),
        tuple("run.ready", 1.0),
        tuple("run.timeout", 5400.0),
        tuple("run.age", 7200.0),
        tuple("run.done", 0.0));

    Collected notStarted = collect(config(families), "{metadata: {creationTimestamp: '2026-08-24T11:59:00Z'}, "
        + "spec: {timeout: 90s}, status: {conditions: [], completionTime: '2026-08-24T11:59:30Z'}}");
    assertThat(notStarted.samples).extracting(Collected.Sample::family, Collected.Sample::value).containsExactly(
        tuple("run.ready", 0.0), tuple("run.timeout", 90.0), tuple("run.age", 60.0), tuple("run.done", 1.0));
    assertThat(notStarted.problems).containsExactly("run.start:cel_error");
  }

  @Test
  void numbersFromObjectsWorkWithCelArithmeticAndModifiers() {
    Collected c = collect(config("""
        - name: spare
          type: gauge
          value: {cel: "object.spec.replicas - object.status.readyReplicas"}
        - name: ratio
          type: gauge
          value: {cel: "double(object.status.readyReplicas) / double(object.spec.replicas)"}
        - name: big
          type: gauge
          value: {cel: "object.spec.replicas > 2.5 && object.spec.cpu > 1"}
        - name: phase
          type: gauge
          value: {cel: "object.status.phase", map: {Running: 1}, default: 0}
        - name: missing
          type: gauge
          value: {cel: "object.?status.?absent.orValue(null)", default: -1}
        - name: absent
          type: gauge
          value: {cel: "object.?status.?absent"}
        - name: negative
          type: gauge
          value: {cel: "duration('-1.5s')"}
        """), "{spec: {replicas: 4, cpu: 1.5}, status: {readyReplicas: 3, phase: Pending}}");
    assertThat(c.problems).isEmpty();
    assertThat(c.samples).extracting(Collected.Sample::family, Collected.Sample::value).containsExactly(
        tuple("spare", 1.0), tuple("ratio", 0.75), tuple("big", 1.0), tuple("phase", 0.0), tuple("missing", -1.0),
        tuple("negative", -1.5));
  }

  @Test
  void whenConditionsFilterSamples() {
    Collected c = collect(config("""
        - name: not.ready
          type: gauge
          each: status.conditions
          when:
            - cel: "self.status != 'True'"
            - {path: type, notEquals: Ignored}
          attributes: {type: type}
          value: 1
        - name: labelled
          type: info
          when: [{cel: "'team' in object.metadata.labels && object.metadata.labels.team == 'ml'"}]
        """), """
        metadata: {labels: {team: ml}}
        status:
          conditions:
            - {type: Ready, status: "False"}
            - {type: Synced, status: "True"}
            - {type: Ignored, status: "Unknown"}
            - {type: Healthy, status: "Unknown"}
        """, "{metadata: {labels: {team: web}}, status: {conditions: []}}");
    assertThat(c.problems).isEmpty();
    assertThat(c.samples).extracting(Collected.Sample::family, s -> s.attributes().get("type"))
        .containsExactly(tuple("not.ready", "Ready"), tuple("not.ready", "Healthy"), tuple("labelled", null));
  }

  @Test
  void compileErrorsAreReportedAtTheExpressionWithCelsMessage() {
    assertThat(problems(config("""
        - name: a
          type: gauge
          value: {cel: "object.status.(count"}
        - name: b
          type: gauge
          attributes:
            x: {cel: "nothing.here"}
          value: {cel: "1 + 'one'"}
        - name: c
          type: info
          when: [{cel: "size(object.metadata)"}]
        """))).containsExactly(
        "test.yaml:9:37: invalid CEL expression: no viable alternative at input '.('",
        "test.yaml:13:21: invalid CEL expression: undeclared reference to 'nothing' (in container '')",
        "test.yaml:14:25: invalid CEL expression: found no matching overload for '_+_' applied to"
            + " '(int, string)' (candidates: (int, int),(uint, uint),(double, double),(string, string),(bytes, bytes),"
            + "(list(%A0), list(%A0)),(google.protobuf.Timestamp, google.protobuf.Duration),"
            + "(google.protobuf.Duration, google.protobuf.Timestamp),(google.protobuf.Duration, google.protobuf.Duration))",
        "test.yaml:17:22: a CEL condition must be a boolean expression; this one is of type int");
  }

  @Test
  void anErrorInABlockIsAtItsLineAndColumnAndInAFoldedTextAtTheValue() {
    assertThat(problems(config("""
        - name: a
          type: gauge
          value:
            cel: |
              object.spec.replicas +
                object.status.(ready)
        - name: b
          type: gauge
          value:
            cel: >
              object.spec.replicas +
              object.status.(ready)
        """))).containsExactly(
        "test.yaml:12:29: invalid CEL expression: no viable alternative at input '.('",
        "test.yaml:16:16: invalid CEL expression at character 38: no viable alternative at input '.('");
  }

  @Test
  void aConditionTakesCelOrAPathNotBoth() {
    assertThat(problems(config("""
        - name: c
          type: info
          when: [{cel: "true", path: status.phase, equals: Running}]
        - name: d
          type: gauge
          value: {cel: "1", path: status.phase}
        """))).containsExactly(
        "test.yaml:9:30: a condition with \"cel\" takes no \"path\"",
        "test.yaml:9:50: a condition with \"cel\" takes no \"equals\"",
        "test.yaml:12:16: an expression takes one of path, value, first, duration, cel; found path and cel");
  }

  @Test
  void anEvaluationErrorSkipsOnlyThatSample() {
    Collected c = collect(config("""
        - name: replicas
          type: gauge
          attributes: {name: metadata.name}
          value: {cel: "object.spec.replicas + 1"}
        - name: named
          type: info
          attributes: {name: metadata.name}
        """), "{metadata: {name: a}, spec: {replicas: 2}}", "{metadata: {name: b}, spec: {}}",
        "{metadata: {name: c}, spec: {replicas: '3'}}");
    assertThat(c.samples).extracting(Collected.Sample::family, s -> s.attributes().get("name"), Collected.Sample::value)
        .containsExactly(tuple("replicas", "a", 3.0), tuple("named", "a", 1.0), tuple("named", "b", 1.0),
            tuple("named", "c", 1.0));
    assertThat(c.problems).containsExactly("replicas:cel_error", "replicas:cel_error");
    assertThat(c.messages.get(0)).startsWith("CEL expression at test.yaml:10:22: ")
        .contains("key 'replicas' is not present in map");
    assertThat(c.messages.get(1)).contains("No matching overload for function '_+_'");
  }

  @Test
  void aRunawayExpressionIsStoppedAtTheIterationLimit() {
    List<Integer> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add(i);
    }
    String object = "{spec: {items: " + hundred + "}}";
    // 100^4 steps without the limit: minutes, not the fraction of a second the limit allows.
    String families = """
        - name: runaway
          type: gauge
          value:
            cel: >-
              object.spec.items.filter(a, object.spec.items.all(b, object.spec.items.all(c,
              object.spec.items.all(d, a + b + c + d < 1000)))).size()
        - name: bounded
          type: gauge
          value: {cel: "object.spec.items.filter(a, a % 2 == 0).size()"}
        """;
    CompiledConfig compiled = compile(config(families));
    Collected c = new Collected();
    long start = System.nanoTime();
    compiled.kinds().get(0).collect(List.of(yaml(object)), NOW, c);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(c.problems).containsExactly("runaway:cel_limit");
    assertThat(c.messages.get(0)).contains("Iteration budget exceeded: " + CelExpression.MAX_ITERATIONS);
    assertThat(c.samples).extracting(Collected.Sample::family, Collected.Sample::value).containsExactly(tuple("bounded", 50.0));
  }

  @Test
  void aConditionThatIsNotABooleanAtRunTimeIsAnError() {
    Collected c = collect(config("""
        - name: flagged
          type: info
          when: [{cel: "self.spec.flag"}]
        """), "{spec: {flag: true}}", "{spec: {flag: false}}", "{spec: {flag: 'yes'}}");
    assertThat(c.samples).hasSize(1);
    assertThat(c.problems).containsExactly("flagged:cel_error");
    assertThat(c.messages.get(0)).isEqualTo("CEL condition at test.yaml:9:22 gave a value of type String, not a boolean");
  }

  @Test
  void compileFailsAsAWholeWithEveryProblem() {
    assertThatThrownBy(() -> Compiler.compile(ConfigLoader.parse("test.yaml", config("""
        - name: a
          type: gauge
          value: {cel: "object.("}
        - name: b
          type: gauge
          value: {cel: "object.)"}
        """), new Problems())))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2));
  }
}
