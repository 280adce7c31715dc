package io.kubestate.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.source.FileSource;
import io.kubestate.telemetry.PrometheusRendering;
import io.kubestate.testing.Exposition;
import io.kubestate.testing.Exposition.Series;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kube-state-metrics CustomResourceStateMetrics configs, loaded unchanged, give exactly the series
 * kube-state-metrics v2.x gives. Each case names the kube-state-metrics source that fixes the
 * behaviour: mostly the cases of its own unit tests (pkg/customresourcestate/registry_factory_test.go,
 * on the same object, here {@code foo.yaml}), so the expectations are its expectations.
 */
class KsmConformanceTest {
  private static final Path OBJECT = Path.of("src/test/resources/kube-state-metrics/foo.yaml");
  private static final Map<String, String> GVK = Map.of("customresource_group", "myteam.io",
      "customresource_kind", "Foo", "customresource_version", "v1");

  static Series series(String name, double value, String... labels) {
    Map<String, String> l = new TreeMap<>(GVK);
    for (int i = 0; i < labels.length; i += 2) {
      l.put(labels[i], labels[i + 1]);
    }
    return new Series(name, l, value);
  }

  /** A resource of kind Foo with one metric, as a kube-state-metrics config file. */
  static String config(String resourceExtra, String metric) {
    return """
        kind: CustomResourceStateMetrics
        spec:
          resources:
            - groupVersionKind: {group: myteam.io, version: v1, kind: Foo}
        """ + indent(resourceExtra, 6) + "      metrics:\n" + indent(metric, 8);
  }

  private static String indent(String block, int spaces) {
    StringBuilder sb = new StringBuilder();
    for (String line : block.strip().split("\n")) {
      if (!line.isBlank()) {
        sb.append(" ".repeat(spaces)).append(line).append('\n');
      }
    }
    return sb.toString();
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // Test_values "single": a scalar path is the value.
        Arguments.argumentSet("gauge on a scalar", config("", """
            - name: single
              each: {type: Gauge, gauge: {path: [spec, replicas]}}
            """), List.of(series("kube_customresource_single", 1))),
        // Test_values "obj": a map is iterated; labelFromKey names each key.
        Arguments.argumentSet("gauge on a map with labelFromKey", config("", """
            - name: obj
              each: {type: Gauge, gauge: {path: [status, active], labelFromKey: type}}
            """), List.of(series("kube_customresource_obj", 1, "type", "type-a"),
            series("kube_customresource_obj", 3, "type", "type-b"))),
        // Test_values "deep obj": valueFrom and labelsFromPath relative to each map value.
        Arguments.argumentSet("gauge on a map of maps", config("", """
            - name: deep
              each:
                type: Gauge
                gauge: {path: [status, sub], labelFromKey: type, labelsFromPath: {active: [active]}, valueFrom: [ready]}
            """), List.of(series("kube_customresource_deep", 2, "type", "type-a", "active", "1"),
            series("kube_customresource_deep", 4, "type", "type-b", "active", "3"))),
        // Test_values "path-relative valueFrom value": a one-segment valueFrom picks the matching key of the map
        // (compiledGauge.Values, "Try to deduce valueFrom's value"), labels resolve against the map too.
        Arguments.argumentSet("one-segment valueFrom on a map", config("", """
            - name: created
              each:
                type: Gauge
                gauge: {path: [metadata], labelsFromPath: {name: [name]}, valueFrom: [creationTimestamp]}
            """), List.of(series("kube_customresource_created", 1656374400, "name", "foo"))),
        // Test_values "non-existent path": nothing (kube-state-metrics logs "got nil while resolving path").
        Arguments.argumentSet("missing path", config("", """
            - name: missing
              each: {type: Gauge, gauge: {path: [foo], labelsFromPath: {name: [name]}, valueFrom: [creationTimestamp]}}
            """), List.of()),
        // Test_values "exist path but valueFrom path is non-existent single": silently nothing.
        Arguments.argumentSet("missing valueFrom on a scalar", config("", """
            - name: novalue
              each: {type: Gauge, gauge: {path: [spec, replicas], valueFrom: [non-existent]}}
            """), List.of()),
        // Test_values "array": one sample per list element.
        Arguments.argumentSet("gauge on a list", config("", """
            - name: values
              each: {type: Gauge, gauge: {path: [status, condition_values], labelsFromPath: {name: [name]}, valueFrom: [value]}}
            """), List.of(series("kube_customresource_values", 45, "name", "a"),
            series("kube_customresource_values", 66, "name", "b"))),
        // Test_values "timestamp": RFC3339 to whole epoch seconds (toFloat64).
        Arguments.argumentSet("timestamp", config("", """
            - name: ts
              each: {type: Gauge, gauge: {path: [metadata, creationTimestamp]}}
            """), List.of(series("kube_customresource_ts", 1656374400))),
        // Test_values "quantity_milli": resource.ParseQuantity, so 250m is 0.25.
        Arguments.argumentSet("milli quantity", config("", """
            - name: milli
              each: {type: Gauge, gauge: {path: [status, quantity_milli]}}
            """), List.of(series("kube_customresource_milli", 0.25))),
        // Test_values "quantity_binarySI".
        Arguments.argumentSet("binary quantity", config("", """
            - name: bytes
              each: {type: Gauge, gauge: {path: [status, quantity_binarySI]}}
            """), List.of(series("kube_customresource_bytes", 5368709120d))),
        // Test_values "percentage": "28%" is 0.28.
        Arguments.argumentSet("percentage", config("", """
            - name: pct
              each: {type: Gauge, gauge: {path: [status, percentage]}}
            """), List.of(series("kube_customresource_pct", 0.28))),
        // Test_values "path-relative valueFrom percentage".
        Arguments.argumentSet("percentage through valueFrom", config("", """
            - name: pct2
              each: {type: Gauge, gauge: {path: [metadata], labelsFromPath: {name: [name]}, valueFrom: [percentage]}}
            """), List.of(series("kube_customresource_pct2", 0.39, "name", "foo"))),
        // Test_values "boolean_string": nilIsZero turns a missing value into 0.
        Arguments.argumentSet("nilIsZero", config("", """
            - name: paused
              each: {type: Gauge, gauge: {path: [spec, paused], nilIsZero: true}}
            """), List.of(series("kube_customresource_paused", 0))),
        // Test_values "info": labels from paths, value 1.
        Arguments.argumentSet("info", config("", """
            - name: version_info
              each: {type: Info, info: {labelsFromPath: {version: [spec, version]}}}
            """), List.of(series("kube_customresource_version_info", 1, "version", "v0.0.0"))),
        // Test_values "info nil path".
        Arguments.argumentSet("info on a missing path", config("", """
            - name: none_info
              each: {type: Info, info: {path: [does, not, exist]}}
            """), List.of()),
        // Test_values "info label from key".
        Arguments.argumentSet("info with labelFromKey", config("", """
            - name: active_info
              each: {type: Info, info: {path: [status, active], labelFromKey: type}}
            """), List.of(series("kube_customresource_active_info", 1, "type", "type-a"),
            series("kube_customresource_active_info", 1, "type", "type-b"))),
        // Test_values "info label from path".
        Arguments.argumentSet("info on a map of maps", config("", """
            - name: sub_info
              each: {type: Info, info: {path: [status, sub], labelsFromPath: {active: [active]}}}
            """), List.of(series("kube_customresource_sub_info", 1, "active", "1"),
            series("kube_customresource_sub_info", 1, "active", "3"))),
        // Test_values "stateset": one series per listed state.
        Arguments.argumentSet("stateset", config("", """
            - name: phase
              each: {type: StateSet, stateSet: {path: [status, phase], labelName: phase, list: [foo, bar]}}
            """), List.of(series("kube_customresource_phase", 0, "phase", "bar"),
            series("kube_customresource_phase", 1, "phase", "foo"))),
        // Test_values "stateset nil path" (no error since kube-state-metrics PR #2884).
        Arguments.argumentSet("stateset on a missing path", config("", """
            - name: nophase
              each: {type: StateSet, stateSet: {path: [does, not, exist], labelName: phase, list: [foo, bar]}}
            """), List.of()),
        // Test_values "stateset non-string value": an error, no series.
        Arguments.argumentSet("stateset on a number", config("", """
            - name: numphase
              each: {type: StateSet, stateSet: {path: [spec, replicas], labelName: phase, list: ["1", "2"]}}
            """), List.of()),
        // Test_values "status_conditions": a [key=value] list lookup, "True" is 1.
        Arguments.argumentSet("list lookup", config("", """
            - name: ready
              each: {type: Gauge, gauge: {path: [status, conditions, "[type=Ready]", status]}}
            """), List.of(series("kube_customresource_ready", 1))),
        // Test_values "status_conditions_all": every condition, "False" is 0.
        Arguments.argumentSet("conditions", config("", """
            - name: condition
              each: {type: Gauge, gauge: {path: [status, conditions], labelsFromPath: {type: [type]}, valueFrom: [status]}}
            """), List.of(series("kube_customresource_condition", 0, "type", "Provisioned"),
            series("kube_customresource_condition", 1, "type", "Ready"))),
        // Test_values "= expression matching": k=v on a map gives the value when it matches.
        Arguments.argumentSet("k=v segment", config("", """
            - name: bar_info
              each: {type: Info, info: {labelsFromPath: {bar: [metadata, annotations, "bar=baz"]}}}
            """), List.of(series("kube_customresource_bar_info", 1, "bar", "baz"))),
        // Test_addPathLabels "*": starred keys copy a map (a prefix when the star ends the key), applied first,
        // explicit keys override; metric-level labelsFromPath read from the object root (compiledFamily.BaseLabels).
        Arguments.argumentSet("wildcard labels", config("", """
            - name: wild
              labelsFromPath:
                "*1": [metadata, annotations]
                bar: [metadata, labels, foo]
                "label_object_*": [metadata, annotations]
              each: {type: Gauge, gauge: {path: [spec, replicas]}}
            """), List.of(series("kube_customresource_wild", 1, "qux", "quxx", "bar", "bar",
            "label_object_qux", "quxx", "label_object_bar", "baz"))),
        // Test_addPathLabels "all": negative index, numbers and booleans printed with %v.
        Arguments.argumentSet("label value forms", config("""
            labelsFromPath:
              bool: [spec, order, "-1", value]
              number: [spec, replicas]
              float: [status, uptime]
              missing: [spec, order, "5"]
            """, """
            - name: forms
              each: {type: Gauge, gauge: {path: [spec, replicas]}}
            """), List.of(series("kube_customresource_forms", 1, "bool", "false", "number", "1", "float", "43.21"))),
        // config.go GetMetricNamePrefix: an explicit empty prefix means none; registry_factory.go compile():
        // the customresource_* labels overwrite a user common label of the same name.
        Arguments.argumentSet("prefix and common labels", config("""
            metricNamePrefix: ""
            commonLabels: {team: a, customresource_kind: mine}
            """, """
            - name: foo_replicas
              commonLabels: {team: b}
              each: {type: Gauge, gauge: {path: [spec, replicas]}}
            """), List.of(series("foo_replicas", 1, "team", "b"))),
        // config.go GetMetricNamePrefix: a null prefix is a nil pointer, the same as no key: the default applies.
        Arguments.argumentSet("null prefix", config("""
            metricNamePrefix: null
            """, """
            - name: replicas
              each: {type: Gauge, gauge: {path: [spec, replicas]}}
            """), List.of(series("kube_customresource_replicas", 1))),
        // registry_factory.go fullName: prefix and name joined with "_" as written, nothing tidied.
        Arguments.argumentSet("prefix ending in an underscore", config("""
            metricNamePrefix: acme_
            """, """
            - name: uptime
              each: {type: Gauge, gauge: {path: [status, uptime]}}
            """), List.of(series("acme__uptime", 43.21))),
        // The same name twice in one resource with other commonLabels: kube-state-metrics writes both
        // definitions' series under one header (metrics_writer.go SanitizeHeaders).
        Arguments.argumentSet("one name defined twice", config("", """
            - name: order_value
              commonLabels: {position: first}
              each: {type: Gauge, gauge: {path: [spec, order, "0", value]}}
            - name: order_value
              commonLabels: {position: last}
              each: {type: Gauge, gauge: {path: [spec, order, "-1", value]}}
            """), List.of(series("kube_customresource_order_value", 1, "position", "first"),
            series("kube_customresource_order_value", 0, "position", "last"))),
        // Two definitions giving the same labels: kube-state-metrics writes both lines, Prometheus keeps the
        // first of the duplicates, so the first definition's value (an info is not added up either).
        Arguments.argumentSet("one name twice with the same labels", config("", """
            - name: order_id
              each: {type: Gauge, gauge: {path: [spec, order, "0", id]}}
            - name: order_id
              each: {type: Gauge, gauge: {path: [spec, order, "1", id]}}
            - name: version_info
              each: {type: Info, info: {labelsFromPath: {version: [spec, version]}}}
            - name: version_info
              each: {type: Info, info: {labelsFromPath: {version: [spec, version]}}}
            """), List.of(series("kube_customresource_order_id", 1),
            series("kube_customresource_version_info", 1, "version", "v0.0.0"))),
        // eachValue.DefaultLabels: a label of the sample wins over a common label with the same name.
        Arguments.argumentSet("sample labels win over common labels", config("""
            metricNamePrefix: myteam_foo
            commonLabels: {type: common}
            """, """
            - name: active
              each: {type: Gauge, gauge: {path: [status, active], labelFromKey: type}}
            """), List.of(series("myteam_foo_active", 1, "type", "type-a"),
            series("myteam_foo_active", 3, "type", "type-b"))));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void seriesMatchKubeStateMetrics(String config, List<Series> expected) {
    Problems problems = new Problems();
    MetricsConfig parsed = ConfigLoader.parse("crs.yaml", config, problems);
    assertThat(problems.list()).isEmpty();
    CompiledConfig compiled = Compiler.compile(parsed);
    FileSource objects = FileSource.load(List.of(OBJECT), compiled.kinds().stream().map(KindMetrics::target).toList());
    String text = PrometheusRendering.render(compiled, objects, Clock.systemUTC(), 1000);
    assertThat(Exposition.parse(text).series()).containsExactlyInAnyOrderElementsOf(expected);
  }
}
