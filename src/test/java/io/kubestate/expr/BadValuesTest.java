package io.kubestate.expr;

import static io.kubestate.expr.Collected.collect;
import static io.kubestate.expr.Collected.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.kubestate.config.ConfigException;
import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Values an object should not hold give no series, and are counted as evaluation errors. */
class BadValuesTest {
  private static final String CONDITIONS = """
      kind: MetricsConfig
      resources:
        - group: tekton.dev
          version: v1
          kind: TaskRun
          attributes: {k8s.taskrun.name: metadata.name}
          families:
            - name: tekton.taskrun.condition
              type: info
              each: status.conditions
              attributes:
                condition.type: {path: type, required: true}
                condition.status: {path: status, required: true}
                condition.reason: {path: reason, default: ""}
      """;

  private static final String TIMES = """
      kind: MetricsConfig
      resources:
        - group: tekton.dev
          version: v1
          kind: TaskRun
          families:
            - name: tekton.taskrun.start_time
              type: gauge
              value: {path: status.startTime, as: timestamp}
            - name: tekton.taskrun.duration
              type: gauge
              value:
                duration: {from: status.startTime, to: status.completionTime}
      """;

  private static Collected conditions(String conditions) {
    return collect(CONDITIONS, List.of(yaml("{metadata: {name: run}, status: {conditions: " + conditions + "}}")));
  }

  @Test
  void aConditionThatIsNotAnObjectGivesNoSeries() {
    Collected c = conditions("[Succeeded]");
    assertThat(c.samples).isEmpty();
    assertThat(c.problems).containsExactly("tekton.taskrun.condition:not_an_object");
    assertThat(c.messages).containsExactly(
        "an element of status.conditions is a string, not an object, so it has no condition.type");
  }

  @Test
  void aConditionWithoutTypeGivesNoSeries() {
    Collected c = conditions("[{status: 'True'}]");
    assertThat(c.samples).isEmpty();
    assertThat(c.problems).containsExactly("tekton.taskrun.condition:missing_attribute");
    assertThat(c.messages).containsExactly("attribute condition.type is required but missing");
  }

  @Test
  void aConditionWithoutStatusGivesNoSeries() {
    Collected c = conditions("[{type: Succeeded}]");
    assertThat(c.samples).isEmpty();
    assertThat(c.problems).containsExactly("tekton.taskrun.condition:missing_attribute");
    assertThat(c.messages).containsExactly("attribute condition.status is required but missing");
  }

  @Test
  void aConditionWhoseStatusIsNotAStringGivesNoSeries() {
    Collected c = conditions("[{type: Succeeded, status: true}]");
    assertThat(c.samples).isEmpty();
    assertThat(c.problems).containsExactly("tekton.taskrun.condition:not_a_string");
    assertThat(c.messages).containsExactly("attribute condition.status must be a string, found a boolean");
  }

  @Test
  void badConditionsCostOnlyThemselvesNotTheGoodOnesBesideThem() {
    Collected c = conditions("[{type: Succeeded, status: 'True', reason: Done}, 7, {type: Ready}, {status: 'False'}]");
    assertThat(c.samples).extracting(s -> s.attributes().get("condition.type"),
            s -> s.attributes().get("condition.status"), s -> s.attributes().get("condition.reason"))
        .containsExactly(tuple("Succeeded", "True", "Done"));
    assertThat(c.problems).containsExactly("tekton.taskrun.condition:not_an_object",
        "tekton.taskrun.condition:missing_attribute", "tekton.taskrun.condition:missing_attribute");
  }

  @Test
  void anOptionalAttributeIsStillLeftOffWhenMissing() {
    Collected c = conditions("[{type: Succeeded, status: 'True'}]");
    assertThat(c.samples).singleElement().satisfies(s -> assertThat(s.attributes())
        .containsEntry("condition.reason", "").containsEntry("condition.type", "Succeeded"));
    assertThat(c.problems).isEmpty();
  }

  private static Collected times(String status) {
    return collect(TIMES, List.of(yaml("{status: " + status + "}")));
  }

  @Test
  void aHugeNumericTimestampGivesNoStartTimeNorDuration() {
    Collected c = times("{startTime: 1e308, completionTime: '2026-08-24T10:00:00Z'}");
    assertThat(c.samples).isEmpty();
    assertThat(c.problems).containsExactly("tekton.taskrun.start_time:not_a_timestamp",
        "tekton.taskrun.duration:not_a_timestamp");
    assertThat(c.messages).allMatch(m -> m.equals("the number 1.0E308 is not a timestamp: seconds since the epoch"
        + " must lie between 1970-01-01 and 9999-12-31"));
  }

  @Test
  void aNegativeNumericTimestampGivesNoSeries() {
    Collected c = times("{startTime: -1}");
    assertThat(c.samples).isEmpty();
    assertThat(c.problems).containsExactly("tekton.taskrun.start_time:not_a_timestamp",
        "tekton.taskrun.duration:not_a_timestamp");
  }

  @Test
  void aNumericTimestampAfterTheYear9999GivesNoSeries() {
    Collected c = times("{startTime: 253402300800}");
    assertThat(c.samples).isEmpty();
    assertThat(c.problems).containsExactly("tekton.taskrun.start_time:not_a_timestamp",
        "tekton.taskrun.duration:not_a_timestamp");
  }

  @Test
  void numericTimestampsWithinTheRangeAreRead() {
    Collected c = times("{startTime: 253402300799, completionTime: 253402300799}");
    assertThat(c.samples).extracting(Collected.Sample::family, Collected.Sample::value).containsExactly(
        tuple("tekton.taskrun.start_time", 253402300799.0), tuple("tekton.taskrun.duration", 0.0));
    assertThat(c.problems).isEmpty();
  }

  @Test
  void anUnparsableTimestampGivesNoSeries() {
    Collected c = times("{startTime: 'yesterday at noon'}");
    assertThat(c.samples).isEmpty();
    assertThat(c.problems).containsExactly("tekton.taskrun.start_time:not_a_timestamp",
        "tekton.taskrun.duration:not_a_timestamp");
    assertThat(c.messages).allMatch(m -> m.equals("cannot read \"yesterday at noon\" as an RFC3339 timestamp"));
  }

  @Test
  void aDurationEndingAtABadTimestampGivesNoSeries() {
    Collected c = times("{startTime: '2026-08-24T10:00:00Z', completionTime: 1e308}");
    assertThat(c.samples).extracting(Collected.Sample::family).containsExactly("tekton.taskrun.start_time");
    assertThat(c.problems).containsExactly("tekton.taskrun.duration:not_a_timestamp");
  }

  @Test
  void requiredIsRefusedWithADefaultAndOutsideAttributes() {
    Problems problems = new Problems();
    var config = ConfigLoader.parse("test.yaml", """
        kind: MetricsConfig
        resources:
          - group: example.com
            version: v1
            kind: Thing
            families:
              - name: thing.info
                type: info
                attributes:
                  owner: {path: spec.owner, required: true, default: nobody}
              - name: thing.size
                type: gauge
                value: {path: spec.size, required: true}
        """, problems);
    assertThat(problems.list()).singleElement().asString()
        .contains("\"required\" and \"default\" contradict each other; keep one");
    assertThatThrownBy(() -> Compiler.compile(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("\"required\" applies to an attribute as a whole, not to a value");
  }
}
