package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.e2e.ExternalTools;
import io.kubestate.testing.Exposition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The alerting rules under deploy/alerts: valid for promtool, written to the same conventions
 * (severity, summary, description, a runbook in docs/alerts.md, thresholds recorded once), each
 * alert unit-tested by promtool on the series {@code render} gives for the presets' example objects
 * (the exporter's own alerts: {@link ExporterAlertsTest}), listed in docs/alerts.md as they are
 * defined, and wrapped unchanged as PrometheusRules; the names they use are those the presets
 * produce ({@link AlertRuleNamesTest}). After changing a rules file, regenerate the PrometheusRules
 * with {@code mvn test -Dtest=AlertRulesTest -Dalerts.update=true}.
 */
class AlertRulesTest {
  static final Path RULES = Path.of("deploy/alerts/rules");
  static final Path PROMETHEUS_RULES = Path.of("deploy/alerts/prometheusrules");
  static final String RUNBOOKS = "https://github.com/kube-state-otel/kube-state-otel/blob/main/docs/alerts.md";
  static final String EXPORTER = "kube-state-otel";
  private static final Path DOCS = Path.of("docs/alerts.md");
  private static final String NOW = "2026-08-24T14:00:00Z";
  private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
  private static final Pattern SCALAR = Pattern.compile("scalar\\(([a-zA-Z_:][a-zA-Z0-9_:]*)\\)");
  /** An alert's runbook is a third-level heading named after it. */
  private static final Pattern HEADING = Pattern.compile("(?m)^### (.+)$");
  private static final Pattern FENCED = Pattern.compile("(?ms)^```.*?^```$");

  static List<String> families() throws IOException {
    try (Stream<Path> s = Files.list(RULES)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length())).sorted().toList();
    }
  }

  @TestFactory
  Stream<DynamicContainer> everyAlertFiresOnTheSeriesOfItsPresetsAndOnlyThen() throws IOException {
    assertThat(families()).containsExactlyInAnyOrder("tekton", "kueue", "gateway-api", "argocd", "tap", EXPORTER);
    List<DynamicContainer> out = new ArrayList<>();
    for (String family : families()) {
      if (family.equals(EXPORTER)) {
        continue;
      }
      // Built when the container runs, so that one family's broken spec does not hide the others.
      out.add(DynamicContainer.dynamicContainer(family, Stream.of(family).flatMap(f -> {
        Map<String, Object> spec = AlertUnitTests.spec(f);
        return AlertUnitTests.tests(RULES.resolve(f + ".yaml"), spec, render(spec)).stream();
      })));
    }
    return out.stream();
  }

  /** What the presets of a spec give for their example objects. */
  private static Exposition render(Map<String, Object> spec) {
    List<String> presets = ((List<?>) spec.get("presets")).stream().map(String::valueOf).toList();
    List<String> args = new ArrayList<>(List.of("render", "--preset", String.join(",", presets), "--now", NOW));
    for (String preset : presets) {
      try {
        args.addAll(RenderGoldenTest.objectFiles(preset));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    CliRunner.Result result = CliRunner.run(args.toArray(new String[0]));
    assertThat(result.exitCode()).as(result.err()).isZero();
    return Exposition.parse(result.out());
  }

  @Test
  void everyRulesFilePassesPromtoolCheck() throws IOException {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    for (String family : families()) {
      Path file = RULES.resolve(family + ".yaml");
      ExternalTools.Result r = ExternalTools.run(List.of(promtool.toString(), "check", "rules", file.toString()), null,
          Duration.ofSeconds(60));
      assertThat(r.exitCode()).as("promtool check rules %s:%n%s%s", file, r.stdout(), r.stderr()).isZero();
    }
  }

  @Test
  void everyAlertHasASeveritySummaryDescriptionAndRunbook() throws IOException {
    Set<String> documented = runbooks();
    Set<String> names = new TreeSet<>();
    for (String family : families()) {
      AlertUnitTests.alerts(RULES.resolve(family + ".yaml")).forEach((alert, rule) -> {
        assertThat(names.add(alert)).as("%s is defined once", alert).isTrue();
        Map<String, Object> labels = AlertUnitTests.map(rule.get("labels"));
        Map<String, Object> annotations = AlertUnitTests.map(rule.get("annotations"));
        assertThat(labels.get("severity")).as("severity of %s", alert).isIn(SEVERITIES.toArray());
        assertThat(annotations).as("annotations of %s", alert).containsOnlyKeys("summary", "description", "runbook_url");
        assertThat(String.valueOf(annotations.get("description"))).as("description of %s names the object", alert)
            .contains("$labels.");
        String anchor = alert.toLowerCase(Locale.ROOT);
        assertThat(annotations.get("runbook_url")).as("runbook of %s", alert).isEqualTo(RUNBOOKS + "#" + anchor);
        assertThat(documented).as("a section of docs/alerts.md for %s", alert).contains(anchor);
      });
    }
    assertThat(documented).as("runbooks in docs/alerts.md, one per alert")
        .containsExactlyInAnyOrderElementsOf(names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
  }

  /**
   * docs/alerts.md follows the rules files: its table names each file with the presets its alerts
   * are tested on, and the section of each family has the runbooks of exactly that file's alerts,
   * in its order, and every threshold the file records.
   */
  @Test
  void docsListTheAlertsOfEachFamilyAsItsRulesFileDefinesThem() throws IOException {
    List<String> families = families();
    String docs = FENCED.matcher(Files.readString(DOCS, StandardCharsets.UTF_8)).replaceAll("");
    Map<String, String> sections = new LinkedHashMap<>();
    String[] parts = docs.split("(?m)^## ");
    for (int i = 1; i < parts.length; i++) {
      int eol = parts[i].indexOf('\n');
      sections.put(parts[i].substring(0, eol).strip(), parts[i].substring(eol + 1));
    }
    Map<String, List<String>> documented = new LinkedHashMap<>();
    sections.forEach((title, text) -> {
      List<String> alerts = HEADING.matcher(text).results().map(m -> m.group(1).strip()).toList();
      if (!alerts.isEmpty() || families.contains(title)) {
        documented.put(title, alerts);
      }
    });
    Map<String, List<String>> defined = new LinkedHashMap<>();
    for (String family : families) {
      defined.put(family, List.copyOf(AlertUnitTests.alerts(RULES.resolve(family + ".yaml")).keySet()));
    }
    assertThat(documented).as("runbook sections per family in docs/alerts.md").containsExactlyInAnyOrderEntriesOf(
        defined);

    for (String family : families) {
      String file = "`" + RULES.resolve(family + ".yaml") + "`";
      String link = "[" + family + "](#" + family + ")";
      Matcher row = Pattern.compile(
          "(?m)^\\| " + Pattern.quote(file) + " \\| ([^|]+) \\| " + Pattern.quote(link) + " \\|$").matcher(docs);
      assertThat(row.find()).as("a row of the table in docs/alerts.md for %s", family).isTrue();
      Object presets = AlertUnitTests.spec(family).get("presets");
      List<String> tested = presets == null ? List.of("any") : ((List<?>) presets).stream().map(String::valueOf)
          .toList();
      assertThat(row.group(1)).as("presets of %s in docs/alerts.md", family).contains(tested);
      for (Map<String, Object> group : AlertUnitTests.list(AlertUnitTests.read(RULES.resolve(family + ".yaml"))
          .get("groups"))) {
        AlertUnitTests.list(group.get("rules")).stream().map(r -> String.valueOf(r.get("record")))
            .filter(r -> r.contains(":alert_threshold:"))
            .forEach(r -> assertThat(sections.get(family)).as("docs/alerts.md documents %s", r)
                .contains("`" + r + "`"));
      }
    }
  }

  /** The README points to the alerts where it points to the dashboards. */
  @Test
  void readmeNamesTheAlertsBesideTheDashboards() throws IOException {
    List<String> paragraphs = List.of(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8)
        .split("\n\\s*\n|\n(?=- )"));
    assertThat(paragraphs).as("a paragraph of README.md naming deploy/dashboards/ and docs/alerts.md")
        .anyMatch(p -> p.contains("deploy/dashboards/") && p.contains("(docs/alerts.md)"));
  }

  /** Each threshold is one recorded constant, used by some alert of the same file. */
  @Test
  void thresholdsAreConstantsRecordedOnceInTheirFile() throws IOException {
    for (String family : families()) {
      Map<String, String> recorded = new java.util.LinkedHashMap<>();
      Set<String> used = new LinkedHashSet<>();
      for (Map<String, Object> group : AlertUnitTests.list(AlertUnitTests.read(RULES.resolve(family + ".yaml"))
          .get("groups"))) {
        for (Map<String, Object> rule : AlertUnitTests.list(group.get("rules"))) {
          String expr = String.valueOf(rule.get("expr"));
          if (rule.containsKey("record") && String.valueOf(rule.get("record")).contains(":alert_threshold:")) {
            assertThat(recorded.put((String) rule.get("record"), expr)).as("%s recorded once", rule.get("record"))
                .isNull();
            assertThat(expr.strip()).as("threshold %s", rule.get("record")).matches("vector\\([0-9.e+-]+\\)");
          }
          Matcher m = SCALAR.matcher(expr);
          while (m.find()) {
            assertThat(recorded).as("%s: %s is recorded above its use", family, m.group(1)).containsKey(m.group(1));
            used.add(m.group(1));
          }
        }
      }
      assertThat(used).as("thresholds of %s the alerts use", family).containsExactlyInAnyOrderElementsOf(
          recorded.keySet());
    }
  }

  @Test
  void prometheusRulesWrapTheRulesFilesUnchanged() throws IOException {
    List<String> expected = new ArrayList<>();
    for (String family : families()) {
      Path generated = PROMETHEUS_RULES.resolve(family + ".yaml");
      String text = prometheusRule(family, Files.readString(RULES.resolve(family + ".yaml"), StandardCharsets.UTF_8));
      if (Boolean.getBoolean("alerts.update")) {
        Files.createDirectories(PROMETHEUS_RULES);
        Files.writeString(generated, text, StandardCharsets.UTF_8);
      }
      assertThat(generated).as("%s, generated from %s", generated, family).exists();
      assertThat(Files.readString(generated, StandardCharsets.UTF_8)).as("%s is generated from the rules file;"
          + " regenerate with -Dalerts.update=true", generated).isEqualTo(text);
      expected.add(PROMETHEUS_RULES.getFileName().resolve(family + ".yaml").toString());
    }
    try (Stream<Path> s = Files.list(PROMETHEUS_RULES)) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).as("files in %s", PROMETHEUS_RULES)
          .containsExactlyInAnyOrderElementsOf(families().stream().map(f -> f + ".yaml").toList());
    }
    Map<String, Object> kustomization = AlertUnitTests.read(RULES.getParent().resolve("kustomization.yaml"));
    assertThat(kustomization.get("resources")).as("resources of deploy/alerts/kustomization.yaml")
        .isEqualTo(expected);
  }

  /**
   * A rules file as the Prometheus Operator takes it: the file, comments included, is the spec of
   * a PrometheusRule, labelled for the Prometheus of kube-prometheus-stack.
   */
  static String prometheusRule(String family, String rules) {
    StringBuilder out = new StringBuilder()
        .append("# Generated from ../rules/").append(family).append(".yaml, which it holds unchanged as its spec.\n")
        .append("# Edit that file, then run: mvn test -Dtest=AlertRulesTest -Dalerts.update=true\n")
        .append("apiVersion: monitoring.coreos.com/v1\n")
        .append("kind: PrometheusRule\n")
        .append("metadata:\n")
        .append("  name: ").append(family.equals(EXPORTER) ? EXPORTER : EXPORTER + "-" + family).append('\n')
        .append("  labels:\n")
        .append("    app.kubernetes.io/name: kube-state-otel\n")
        .append("    # The Prometheus of kube-prometheus-stack loads only rules labelled with its Helm release.\n")
        .append("    release: kube-prometheus-stack\n")
        .append("spec:\n");
    rules.lines().forEach(line -> out.append(line.isEmpty() ? "" : "  " + line).append('\n'));
    return out.toString();
  }

  /** The anchors GitHub gives the runbooks' headings in docs/alerts.md. */
  private static Set<String> runbooks() throws IOException {
    Set<String> out = new TreeSet<>();
    Matcher m = HEADING.matcher(Files.readString(DOCS, StandardCharsets.UTF_8));
    while (m.find()) {
      out.add(m.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
    }
    return out;
  }
}
