package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubestate.e2e.ExternalTools;
import io.kubestate.testing.Exposition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;

/**
 * The promtool unit tests of one rules file under deploy/alerts/rules, written from a spec under
 * src/test/resources/alerts and from what the exporter really produces. A spec never types a
 * series: it picks series of the exposition (render over the presets' example objects, or the
 * exporter's own metrics) with a selector, and gives only their values over time. The expected
 * alerts are typed, as what the rule must say; the rule's fixed labels and annotations
 * (severity, runbook_url) are added to them.
 *
 * <pre>
 * target: {job: kube-state-otel, instance: ...}   # labels the scrape adds to every series
 * alerts:
 *   AlertName:
 *     - case: what the case shows
 *       at: 40m                                   # when the alert is evaluated
 *       series:
 *         - pick: metric{label="value"}           # exactly one series, or every match with each: true
 *           values: 0+60x45                       # promtool's notation, one sample a minute;
 *                                                 # "rendered" stands for the series' own value
 *         - prometheus: up                        # a series Prometheus makes itself
 *           values: 0x10
 *       fires:                                    # empty: the alert must not fire
 *         - labels: {...}
 *           annotations: {description: ...}
 * </pre>
 */
final class AlertUnitTests {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final Path SPECS = Path.of("src/test/resources/alerts");
  private static final Pattern SELECTOR = Pattern.compile("^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(?:\\{(.*)})?\\s*$");
  private static final Pattern MATCHER =
      Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*,?");

  private AlertUnitTests() {}

  /** The alerting rules of a rules file: name to the rule as written. */
  static Map<String, Map<String, Object>> alerts(Path rulesFile) {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map<String, Object> group : list(read(rulesFile).get("groups"))) {
      for (Map<String, Object> rule : list(group.get("rules"))) {
        if (rule.containsKey("alert")) {
          out.put((String) rule.get("alert"), rule);
        }
      }
    }
    return out;
  }

  /** The spec of the rules file named {@code family}. */
  static Map<String, Object> spec(String family) {
    return read(SPECS.resolve(family + ".yaml"));
  }

  /** One test per alert of the rules file, run by promtool on series picked from {@code produced}. */
  static List<DynamicTest> tests(Path rulesFile, Map<String, Object> spec, Exposition produced) {
    Map<String, Map<String, Object>> rules = alerts(rulesFile);
    Map<String, Object> cases = map(spec.get("alerts"));
    assertThat(cases.keySet()).as("alerts of %s with unit tests", rulesFile)
        .containsExactlyInAnyOrderElementsOf(rules.keySet());
    Map<String, String> target = strings(spec.getOrDefault("target", Map.of()));
    List<DynamicTest> out = new ArrayList<>();
    rules.forEach((alert, rule) -> out.add(DynamicTest.dynamicTest(alert,
        () -> run(rulesFile, alert, rule, list(cases.get(alert)), target, produced))));
    return out;
  }

  private static void run(Path rulesFile, String alert, Map<String, Object> rule, List<Map<String, Object>> cases,
      Map<String, String> target, Exposition produced) throws IOException {
    assertThat(cases).as("%s: a case where it fires", alert).anyMatch(c -> !list(c.get("fires")).isEmpty());
    assertThat(cases).as("%s: a case where it does not fire", alert).anyMatch(c -> list(c.get("fires")).isEmpty());
    List<Map<String, Object>> groups = new ArrayList<>();
    for (Map<String, Object> c : cases) {
      String name = alert + ": " + c.get("case");
      List<Map<String, Object>> inputs = new ArrayList<>();
      for (Map<String, Object> s : list(c.get("series"))) {
        inputs.addAll(series(s, target, produced, name));
      }
      List<Map<String, Object>> expected = new ArrayList<>();
      for (Map<String, Object> fired : list(c.get("fires"))) {
        expected.add(ordered("exp_labels", expectedLabels(rule, fired),
            "exp_annotations", expectedAnnotations(rule, fired, name)));
      }
      groups.add(ordered("name", name, "interval", "1m", "input_series", inputs, "alert_rule_test",
          List.of(ordered("eval_time", String.valueOf(c.get("at")), "alertname", alert, "exp_alerts", expected))));
    }
    Path promtool = ExternalTools.require("promtool", "prometheus");
    Path file = Files.createTempFile("alert-" + alert, ".test.yaml");
    try {
      YAML.writeValue(file.toFile(), ordered("rule_files", List.of(rulesFile.toAbsolutePath().toString()),
          "evaluation_interval", "1m", "tests", groups));
      ExternalTools.Result r = ExternalTools.run(List.of(promtool.toString(), "test", "rules", file.toString()), null,
          Duration.ofSeconds(60));
      assertThat(r.exitCode()).as("promtool test rules for %s:%n%s%s%nthe test file:%n%s", alert, r.stdout(),
          r.stderr(), Files.readString(file)).isZero();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * The input series of one entry of a case, in promtool's notation. In its values, the word
   * {@code rendered} stands for the value the series has in the exposition.
   */
  private static List<Map<String, Object>> series(Map<String, Object> entry, Map<String, String> target,
      Exposition produced, String where) {
    String values = String.valueOf(entry.get("values"));
    if (entry.containsKey("prometheus")) {
      return List.of(ordered("series", text(String.valueOf(entry.get("prometheus")), target), "values", values));
    }
    String pick = String.valueOf(entry.get("pick"));
    List<Exposition.Series> matched = produced.series().stream().filter(selector(pick)::matches).toList();
    if (Boolean.TRUE.equals(entry.get("each"))) {
      assertThat(matched).as("%s: series matching %s", where, pick).isNotEmpty();
    } else {
      assertThat(matched).as("%s: one series matching %s", where, pick).hasSize(1);
    }
    return matched.stream().map(s -> {
      Map<String, String> labels = new TreeMap<>(target);
      labels.putAll(s.labels());
      String value = s.value() == Math.rint(s.value()) && Math.abs(s.value()) < 1e15
          ? Long.toString((long) s.value()) : Double.toString(s.value());
      return ordered("series", text(s.name(), labels), "values", values.replace("rendered", value));
    }).toList();
  }

  /** As the scrape stores it: an empty label is no label. */
  private static String text(String name, Map<String, String> labels) {
    return name + labels.entrySet().stream().filter(e -> !e.getValue().isEmpty())
        .map(e -> e.getKey() + "=\"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")
            .replace("\n", "\\n") + "\"")
        .collect(Collectors.joining(",", "{", "}"));
  }

  private static Map<String, String> expectedLabels(Map<String, Object> rule, Map<String, Object> fired) {
    Map<String, String> out = new TreeMap<>(strings(rule.getOrDefault("labels", Map.of())));
    out.putAll(strings(fired.getOrDefault("labels", Map.of())));
    return out;
  }

  /** The typed annotations, and those of the rule that are fixed text. */
  private static Map<String, String> expectedAnnotations(Map<String, Object> rule, Map<String, Object> fired,
      String where) {
    Map<String, String> typed = strings(fired.getOrDefault("annotations", Map.of()));
    Map<String, String> out = new TreeMap<>();
    strings(rule.getOrDefault("annotations", Map.of())).forEach((key, text) -> {
      if (typed.containsKey(key)) {
        out.put(key, typed.get(key));
      } else {
        assertThat(text).as("%s: the expected %s, a template", where, key).doesNotContain("{{");
        out.put(key, text);
      }
    });
    assertThat(out.keySet()).as("%s: annotations the rule has", where).containsAll(typed.keySet());
    return out;
  }

  /** A selector of the exposition: a name, and matchers as PromQL writes them. */
  record Selector(String name, List<String[]> matchers) {
    boolean matches(Exposition.Series s) {
      if (!s.name().equals(name)) {
        return false;
      }
      for (String[] m : matchers) {
        String value = s.labels().getOrDefault(m[0], "");
        boolean ok = switch (m[1]) {
          case "=" -> value.equals(m[2]);
          case "!=" -> !value.equals(m[2]);
          case "=~" -> value.matches(m[2]);
          default -> !value.matches(m[2]);
        };
        if (!ok) {
          return false;
        }
      }
      return true;
    }
  }

  static Selector selector(String text) {
    Matcher m = SELECTOR.matcher(text);
    assertThat(m.matches()).as("a selector: %s", text).isTrue();
    List<String[]> matchers = new ArrayList<>();
    if (m.group(2) != null && !m.group(2).isBlank()) {
      Matcher each = MATCHER.matcher(m.group(2));
      int end = 0;
      while (each.find() && each.start() == end) {
        matchers.add(new String[] {each.group(1), each.group(2), each.group(3).replace("\\\"", "\"")});
        end = each.end();
      }
      assertThat(end).as("matchers of %s", text).isEqualTo(m.group(2).length());
    }
    return new Selector(m.group(1), matchers);
  }

  // ---- plain YAML

  static Map<String, Object> read(Path file) {
    try {
      return map(YAML.readValue(file.toFile(), Map.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return o == null ? Map.of() : (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Object o) {
    return o == null ? List.of() : (List<Map<String, Object>>) o;
  }

  private static Map<String, String> strings(Object o) {
    Map<String, String> out = new TreeMap<>();
    map(o).forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return out;
  }
}
