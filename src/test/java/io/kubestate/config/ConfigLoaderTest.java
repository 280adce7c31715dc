package io.kubestate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubestate.expr.Compiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static MetricsConfig parse(String text, Problems problems) {
    return ConfigLoader.parse("cfg.yaml", text, problems);
  }

  /** Every problem of parsing and compiling, as the validate command prints them. */
  private static List<String> problems(String text) {
    Problems problems = new Problems();
    Compiler.compile(parse(text, problems), problems);
    return problems.list().stream().map(Problem::toString).toList();
  }


  @Test
  void readsTheNativeFormat() {
    Problems problems = new Problems();
    MetricsConfig config = parse("""
        kind: MetricsConfig
        resources:
          - group: kueue.x-k8s.io
            versions: [v1beta2, v1beta1]
            kind: Workload
            labelSelector: team=ml
            attributes:
              k8s.namespace.name: metadata.namespace
            families:
              - name: kueue.workload.info
                type: info
                description: Workload info
                unit: "{workload}"
                attributes:
                  kueue.local_queue.name: {path: spec.queueName, default: ""}
        """, problems);
    assertThat(problems.list()).isEmpty();
    ResourceConfig r = config.resources().get(0);
    assertThat(r.versions()).containsExactly("v1beta2", "v1beta1");
    assertThat(r.labelSelector()).isEqualTo("team=ml");
    FamilyConfig f = r.families().get(0);
    assertThat(f.type()).isEqualTo(FamilyType.INFO);
    assertThat(f.unit()).isEqualTo("{workload}");
    assertThat(f.position()).isEqualTo(new Position("cfg.yaml", 10, 9));
    assertThat(f.attributes().get(0).value()).isInstanceOf(ExprConfig.Modified.class);
  }

  @Test
  void reportsEveryProblemWithFileLineAndColumn() {
    List<String> problems = problems("""
        kind: MetricsConfig
        resources:
          - group: tekton.dev
            version: v1
            kind: PipelineRun
            families:
              - name: tekton.pipelinerun.info
                type: info
                atributes: {a: metadata.name}
              - name: tekton.pipelinerun.duration
                type: gauge
              - name: bad name!
                type: histogram
        """);
    assertThat(problems).containsExactly(
        "cfg.yaml:9:9: unknown key \"atributes\" (did you mean \"attributes\"?); allowed here: name, type, "
            + "description, unit, each, attributes, attributesFrom, value, states, stateAttribute, when, aggregate",
        "cfg.yaml:10:9: a gauge needs a \"value\"",
        "cfg.yaml:12:15: invalid metric name \"bad name!\": letters, digits, '_', '.', '-' and '/', starting with a "
            + "letter, at most 255 characters",
        "cfg.yaml:13:15: unknown family type \"histogram\"; use gauge, stateset or info");
  }

  @Test
  void compileProblemsHavePositionsToo() {
    List<String> problems = problems("""
        kind: MetricsConfig
        resources:
          - group: tekton.dev
            version: v1
            kind: PipelineRun
            families:
              - name: runs
                type: gauge
                value: status.conditions[type=Succeeded
              - name: runs
                type: info
              - name: listeners
                type: info
                attributes: {gw: ^^.metadata.name}
                each: status.listeners
              - name: by
                type: gauge
                aggregate: {function: count, by: [missing]}
        """);
    assertThat(problems).containsExactly(
        "cfg.yaml:9:16: invalid path \"status.conditions[type=Succeeded\" at character 33: expected ']'",
        "cfg.yaml:10:9: family \"runs\" is defined twice for tekton.dev/PipelineRun",
        "cfg.yaml:14:26: path \"^^.metadata.name\" goes up 2 level(s) but only 1 enclosing iteration level(s) exist here",
        "cfg.yaml:18:20: aggregate \"by\" names \"missing\", which is not an attribute of this family; attributes: ");
  }

  @Test
  void sameNameInTwoKindsMustAgreeOnTypeAndUnit() {
    List<String> problems = problems("""
        kind: MetricsConfig
        resources:
          - {group: a.io, version: v1, kind: A, families: [{name: x.count, type: gauge, unit: s, value: spec.n}]}
          - {group: b.io, version: v1, kind: B, families: [{name: x.count, type: info, unit: ms}]}
        """);
    assertThat(problems).hasSize(2).allSatisfy(p -> assertThat(p).startsWith("cfg.yaml:4:"));
    assertThat(problems.get(0)).contains("is a info here but a gauge at cfg.yaml:3:");
    assertThat(problems.get(1)).contains("has unit \"ms\" here but \"s\"");
  }

  @Test
  void theOtlpSectionAsksForAResourcePerObjectAndFilesMustAgree(@TempDir Path dir) throws Exception {
    String widgets = """
        kind: MetricsConfig
        resources:
          - {group: a.io, version: v1, kind: Widget, families: [{name: widget.info, type: info}]}
        """;
    assertThat(Compiler.compile(parse(widgets, new Problems())).otlpResourcePerObject()).isFalse();
    assertThat(Compiler.compile(parse(widgets + "otlp: {resourcePerObject: true}\n", new Problems()))
        .otlpResourcePerObject()).isTrue();
    assertThat(problems(widgets + "otlp: {resourcePerObject: yes please, perObject: true}\n"))
        .anySatisfy(p -> assertThat(p).startsWith("cfg.yaml:4:").contains("\"resourcePerObject\" must be true or false"))
        .anySatisfy(p -> assertThat(p).contains("perObject"));

    Path on = Files.writeString(dir.resolve("on.yaml"),
        widgets + "otlp: {resourcePerObject: true}\n");
    Path off = Files.writeString(dir.resolve("off.yaml"),
        "kind: MetricsConfig\ninclude: [tekton]\notlp:\n  resourcePerObject: false\n");
    Path silent = Files.writeString(dir.resolve("silent.yaml"), "kind: MetricsConfig\n"
        + "include: [kueue]\n");
    assertThat(ConfigLoader.load(List.of("tekton"), List.of(on, silent)).otlpResourcePerObject()).isTrue();
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of(on, off)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(off + ":4:22: \"otlp.resourcePerObject\" is false here but true at " + on + ":4:27");
  }

  @Test
  void sameNameInTwoKindsMustHaveTheSameAttributes() {
    List<String> problems = problems("""
        kind: MetricsConfig
        resources:
          - {group: a.io, version: v1, kind: A, families: [{name: x.info, type: info, attributes: {a: spec.a}}]}
          - {group: b.io, version: v1, kind: B, families: [{name: x.info, type: info, attributes: {b: spec.b}}]}
        """);
    assertThat(problems).singleElement().asString().startsWith("cfg.yaml:4:")
        .contains("has attributes [b] here but [a] at cfg.yaml:3:");
  }

  @Test
  void readingTheDataOfSecretsIsRefusedButTheirMetadataIsFine() {
    assertThat(problems("""
        kind: MetricsConfig
        resources:
          - version: v1
            kind: Secret
            attributes: {k8s.namespace.name: metadata.namespace}
            families:
              - {name: secret.info, type: info, attributes: {type: type, token: "data.token"}}
              - {name: secret.keys, type: gauge, value: {cel: "size(object.data)"}}
              - name: secret.each
                type: info
                each: stringData
                attributes: {key: "@key"}
        """)).hasSize(3).allSatisfy(p -> assertThat(p).contains("reads the data of Secrets: refused"))
        .anySatisfy(p -> assertThat(p).startsWith("cfg.yaml:7:73:"));
    assertThat(problems("""
        kind: MetricsConfig
        resources:
          - {version: v1, kind: Secret, families: [{name: secret.info, type: info, attributes: {t: type}}]}
        """)).isEmpty();
    assertThat(problems("""
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: {group: "", version: v1, kind: Secret}
              metrics:
                - name: keys
                  each: {type: Info, info: {path: [data], labelFromKey: key}}
        """)).singleElement().asString().contains("reads the data of Secrets: refused");
  }

  @Test
  void brokenYamlAndWrongKindAreClear() {
    assertThat(problems("kind: MetricsConfig\nresources: [\n")).singleElement().asString()
        .startsWith("cfg.yaml:3:1: invalid YAML");
    assertThat(problems("kind: CustomThing\n")).containsExactly(
        "cfg.yaml:1:7: unknown config kind \"CustomThing\"; expected \"MetricsConfig\" or \"CustomResourceStateMetrics\"");
    assertThat(problems("kind: MetricsConfig\nresources:\n  - group: x\n    kind: K\n    families: []\n"))
        .containsExactly(
            "cfg.yaml:3:5: missing required key \"version\" (or \"versions\", in order of preference)",
            "cfg.yaml:5:5: \"families\" is empty: this resource would produce no metrics");
  }

  @Test
  void whatDidNotParseLeavesTheRestChecked() {
    assertThat(problems("""
        kind: MetricsConfig
        resources:
          - group: x.io
            kind: K
            families:
              - name: k.phase
                type: gauge
                type: info
                value: {cel: "object.status.(phase"}
                when: [{path: "status[", equals: 1}]
                attributesFrom: [{path: "metadata.labels["}]
        """)).containsExactly(
        "cfg.yaml:3:5: missing required key \"version\" (or \"versions\", in order of preference)",
        "cfg.yaml:8:9: duplicate key \"type\"",
        "cfg.yaml:9:37: invalid CEL expression: no viable alternative at input '.('",
        "cfg.yaml:10:23: invalid path \"status[\" at character 8: expected an index, a quoted key or field=value"
            + " inside [...]",
        "cfg.yaml:11:33: invalid path \"metadata.labels[\" at character 17: expected an index, a quoted key or"
            + " field=value inside [...]");
  }

  @Test
  void unknownPresetNamesTheAvailableOnes() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of("nope"), List.of()))
        .hasMessageContaining("unknown preset \"nope\"").hasMessageContaining("tekton");
  }

  @Test
  void includesLoadPresetsOnce() {
    MetricsConfig tap = ConfigLoader.load(List.of("tap", "knative"), List.of());
    MetricsConfig parts = ConfigLoader.load(List.of("knative"), List.of());
    assertThat(tap.resources()).extracting(ResourceConfig::kind).contains("Workload", "Service", "App", "Image")
        .containsAll(parts.resources().stream().map(ResourceConfig::kind).toList());
    assertThat(tap.resources().stream().filter(r -> r.kind().equals("Revision"))).hasSize(1);
    assertThat(problems("kind: MetricsConfig\ninclude: [tekton, nope]\n")).singleElement().asString()
        .startsWith("cfg.yaml:2:10: \"include\" names no preset \"nope\"");
  }

  @Test
  void everyPresetIsValid() {
    for (Presets.Preset p : Presets.list()) {
      MetricsConfig config = ConfigLoader.load(List.of(p.name()), List.of());
      assertThat(Compiler.compile(config).familyCount()).as(p.name()).isPositive();
      assertThat(p.description()).as(p.name()).isNotBlank();
    }
  }
}
