package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledFamily;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.telemetry.PrometheusNaming;
import io.kubestate.testing.Exposition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every metric the alerting rules under deploy/alerts/rules name is one the presets of their file
 * produce (what {@code render} gives for the example objects, and families those objects leave
 * empty), one of the exporter's own, a series Prometheus makes for the scrape, or one a rule of
 * the same file records; every label they name is one those metrics carry, one the rules create,
 * or the scrape's {@code job} and {@code instance}; the same goes for the queries an annotation
 * runs, and for the labels templates print. Renaming a family or an attribute would otherwise
 * leave alerts that never fire, and promtool's unit tests notice a wrong name only where one of
 * their cases depends on it: after {@code unless}, a misspelled metric silently excludes nothing.
 */
@EnableKubernetesMockClient(crud = true)
class AlertRuleNamesTest {
  private static final String NOW = "2026-08-24T14:00:00Z";
  /** The labels Prometheus adds to every scraped series. */
  private static final Set<String> SCRAPE = Set.of("job", "instance");
  /** Series Prometheus records for each scrape target, with the target's labels only. */
  private static final Set<String> PROMETHEUS = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
      "scrape_samples_post_metric_relabeling", "scrape_series_added");
  private static final Pattern TEMPLATE_LABEL = Pattern.compile("\\$labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");
  /**
   * A query an annotation runs when the alert fires, and the label of its first result it prints:
   * {@code printf "metric{name=%q}" $labels.name | query }}{{ with . | first | label "message" }}.
   */
  private static final Pattern TEMPLATE_QUERY = Pattern.compile("printf\\s+\"((?:[^\"\\\\]|\\\\.)*)\"[^|}]*\\|\\s*query"
      + "\\s*}}(?:\\{\\{\\s*with\\s+\\.\\s*\\|\\s*first\\s*\\|\\s*label\\s+\"([a-zA-Z_][a-zA-Z0-9_]*)\")?");
  private static final Pattern GROUP = Pattern.compile("\\(([a-zA-Z0-9_:]+(?:\\|[a-zA-Z0-9_:]+)+)\\)");
  private static final Pattern LITERAL = Pattern.compile("[a-zA-Z0-9_:]+");

  KubernetesClient client;

  @TestFactory
  List<DynamicTest> everyRuleNamesWhatIsProduced() throws Exception {
    Map<String, Set<String>> self = labels(ExporterAlertsTest.selfMetrics(client));
    List<DynamicTest> out = new ArrayList<>();
    for (String family : AlertRulesTest.families()) {
      out.add(DynamicTest.dynamicTest(family, () -> {
        Map<String, Object> spec = AlertUnitTests.spec(family);
        Map<String, Set<String>> produced = produced(presets(spec));
        self.forEach((name, labels) -> produced.merge(name, labels, AlertRuleNamesTest::union));
        Set<String> target = AlertUnitTests.map(spec.get("target")).keySet();
        PROMETHEUS.forEach(name -> produced.put(name, union(SCRAPE, target)));
        List<String> problems = problems(family, produced, target);
        assertThat(problems).as("names in deploy/alerts/rules/%s.yaml that nothing produces", family).isEmpty();
      }));
    }
    return out;
  }

  /** The check itself, on rules that name a metric and a label no preset has. */
  @Test
  void aMisspelledMetricOrLabelIsReported() {
    Map<String, Set<String>> produced = new TreeMap<>(Map.of("kueue_workload_pending", Set.of("kueue_queue")));
    assertThat(check("max by (kueue_queue) (kueue_workload_pendng) > 0", produced, Set.of(), Set.of()))
        .anyMatch(p -> p.startsWith("metric kueue_workload_pendng "));
    assertThat(check("max by (kueue_queue_name) (kueue_workload_pending) > 0", produced, Set.of(), Set.of()))
        .singleElement().asString().contains("label kueue_queue_name");
    assertThat(check("kueue_workload_pending{kueue_queue_name=\"a\"}", produced, Set.of(), Set.of()))
        .singleElement().asString().contains("label kueue_queue_name");
    assertThat(check("{__name__=~\"kueue_(workload|cohort)_pending\"}", produced, Set.of(), Set.of()))
        .singleElement().asString().contains("metric kueue_cohort_pending");
    assertThat(check("label_replace(kueue_workload_pending, \"q\", \"$1\", \"kueue_queue\", \"(.+)\")"
        + " * on (q, job) group_left () vector(1)", produced, Set.of(), Set.of())).isEmpty();
    assertThatThrownBy(() -> PromqlNames.of("sum(kueue_workload_pending")).isInstanceOf(
        IllegalArgumentException.class);
  }

  @Test
  void namesAreToldFromStringsNumbersDurationsAndKeywords() {
    PromqlNames names = PromqlNames.of("""
        sum without (a) (rate(x{b=~"y|z", c!="sum(w)"}[5m:1m] offset 1h)) > bool 0.5e-3
        and on () count_values by (d) ("e", label_join(v, "f", ",", "g", "h"))
        unless {__name__=~"p_(q|r)"} # up
        """);
    assertThat(names.selectors()).containsExactly(new PromqlNames.Selector("x", "=", Set.of("b", "c")),
        new PromqlNames.Selector("v", "=", Set.of()), new PromqlNames.Selector("p_(q|r)", "=~", Set.of()));
    assertThat(names.grouping()).containsExactlyInAnyOrder("a", "d");
    assertThat(names.created()).containsExactlyInAnyOrder("e", "f");
    assertThat(names.read()).containsExactlyInAnyOrder("g", "h");
    assertThat(expand("p_(q|r)_s(t|u)")).containsExactly("p_q_st", "p_q_su", "p_r_st", "p_r_su");
    assertThat(expand("p_.+")).isNull();
  }

  private static List<String> problems(String family, Map<String, Set<String>> produced, Set<String> target) {
    List<String> problems = new ArrayList<>();
    // Recorded series are produced too, for the rules below them, with the labels their expression can have.
    Map<String, Set<String>> available = new TreeMap<>(produced);
    for (Map<String, Object> group : AlertUnitTests.list(AlertUnitTests.read(AlertRulesTest.RULES.resolve(
        family + ".yaml")).get("groups"))) {
      for (Map<String, Object> rule : AlertUnitTests.list(group.get("rules"))) {
        String name = String.valueOf(rule.containsKey("alert") ? rule.get("alert") : rule.get("record"));
        String expr = String.valueOf(rule.get("expr"));
        Set<String> templates = new TreeSet<>();
        Matcher m = TEMPLATE_LABEL.matcher(String.valueOf(rule.get("annotations")) + rule.get("labels"));
        while (m.find()) {
          templates.add(m.group(1));
        }
        check(expr, available, templates, target).forEach(p -> problems.add(name + ": " + p));
        Matcher q = TEMPLATE_QUERY.matcher(String.valueOf(rule.get("annotations")));
        while (q.find()) {
          // Any value stands for the alert's labels that printf puts in.
          String query = q.group(1).replace("\\\"", "\"").replace("%q", "\"x\"").replaceAll("%[sv]", "x");
          Set<String> printed = q.group(2) == null ? Set.of() : Set.of(q.group(2));
          check(query, available, printed, Set.of()).forEach(p -> problems.add(name + ", in a query: " + p));
        }
        if (rule.containsKey("record")) {
          Set<String> labels = union(labelsOf(PromqlNames.of(expr), available), SCRAPE);
          labels = union(labels, AlertUnitTests.map(rule.get("labels")).keySet());
          available.put(name, labels);
        }
      }
    }
    return problems;
  }

  /**
   * What in one expression is not produced: metrics, and labels (of its selectors, groupings,
   * label_replace sources and the annotations' {@code $labels}) its metrics do not carry.
   * Annotations may also name the scrape target's labels, which a rule keeps unless it drops them.
   */
  private static List<String> check(String expr, Map<String, Set<String>> produced, Set<String> templates,
      Set<String> target) {
    List<String> problems = new ArrayList<>();
    PromqlNames names = PromqlNames.of(expr);
    for (PromqlNames.Selector s : names.selectors()) {
      List<String> metrics = metrics(s, produced, problems);
      for (String metric : metrics) {
        for (String label : s.labels()) {
          if (!produced.get(metric).contains(label) && !SCRAPE.contains(label)) {
            problems.add("label " + label + " is not a label of " + metric);
          }
        }
      }
    }
    Set<String> carried = union(union(labelsOf(names, produced), names.created()), SCRAPE);
    carried.add("__name__");
    for (String label : union(names.grouping(), names.read())) {
      if (!carried.contains(label)) {
        problems.add("label " + label + " is not a label of the metrics of " + expr.strip());
      }
    }
    for (String label : templates) {
      if (!carried.contains(label) && !target.contains(label)) {
        problems.add("label " + label + " of a template is not a label of the metrics of " + expr.strip());
      }
    }
    return problems;
  }

  /** The produced metrics a selector stands for, reporting those it names that are not produced. */
  private static List<String> metrics(PromqlNames.Selector s, Map<String, Set<String>> produced,
      List<String> problems) {
    if (s.name() == null) {
      problems.add("a selector without a metric name");
      return List.of();
    }
    if (s.nameOp().equals("=")) {
      if (produced.containsKey(s.name())) {
        return List.of(s.name());
      }
      problems.add("metric " + s.name() + " is not produced");
      return List.of();
    }
    assertThat(s.nameOp()).as("the matcher on __name__ of %s", s.name()).isEqualTo("=~");
    // An alternation of literals is a list of names, each of which must exist.
    List<String> expanded = expand(s.name());
    if (expanded != null) {
      expanded.stream().filter(n -> !produced.containsKey(n))
          .forEach(n -> problems.add("metric " + n + " (of " + s.name() + ") is not produced"));
      return expanded.stream().filter(produced::containsKey).toList();
    }
    List<String> matched = produced.keySet().stream().filter(n -> n.matches(s.name())).toList();
    if (matched.isEmpty()) {
      problems.add("no metric produced matches " + s.name());
    }
    return matched;
  }

  /** The names a regular expression of literals and {@code (a|b|...)} groups matches, or null for any other. */
  static List<String> expand(String regex) {
    List<String> out = new ArrayList<>(List.of(""));
    Matcher m = GROUP.matcher(regex);
    int end = 0;
    while (m.find()) {
      String literal = regex.substring(end, m.start());
      if (!LITERAL.matcher(literal).matches() && !literal.isEmpty()) {
        return null;
      }
      List<String> next = new ArrayList<>();
      for (String prefix : out) {
        for (String alternative : m.group(1).split("\\|")) {
          next.add(prefix + literal + alternative);
        }
      }
      out = next;
      end = m.end();
    }
    String tail = regex.substring(end);
    if (!tail.isEmpty() && !LITERAL.matcher(tail).matches()) {
      return null;
    }
    return out.stream().map(prefix -> prefix + tail).toList();
  }

  /** Every label the produced metrics an expression selects carry. */
  private static Set<String> labelsOf(PromqlNames names, Map<String, Set<String>> produced) {
    Set<String> out = new TreeSet<>();
    for (PromqlNames.Selector s : names.selectors()) {
      metrics(s, produced, new ArrayList<>()).forEach(m -> out.addAll(produced.get(m)));
    }
    return out;
  }

  private static List<String> presets(Map<String, Object> spec) {
    Object presets = spec.get("presets");
    return presets == null ? List.of() : ((List<?>) presets).stream().map(String::valueOf).toList();
  }

  /** The series of the presets: their example objects rendered, and their families' attributes. */
  private static Map<String, Set<String>> produced(List<String> presets) throws Exception {
    Map<String, Set<String>> out = new TreeMap<>();
    if (presets.isEmpty()) {
      return out;
    }
    List<String> args = new ArrayList<>(List.of("render", "--preset", String.join(",", presets), "--now", NOW));
    for (String preset : presets) {
      args.addAll(RenderGoldenTest.objectFiles(preset));
    }
    CliRunner.Result result = CliRunner.run(args.toArray(new String[0]));
    assertThat(result.exitCode()).as(result.err()).isZero();
    out.putAll(labels(Exposition.parse(result.out())));
    // A family no example object gives a series is still produced, with all of its attributes.
    for (KindMetrics kind : Compiler.compile(ConfigLoader.load(presets, List.of())).kinds()) {
      for (CompiledFamily f : kind.families()) {
        Set<String> labels = new TreeSet<>();
        f.attributeKeys().forEach(k -> labels.add(PrometheusNaming.labelName(k)));
        out.merge(PrometheusNaming.metricName(f.name(), f.unit()), labels, AlertRuleNamesTest::union);
      }
    }
    return out;
  }

  private static Map<String, Set<String>> labels(Exposition exposition) {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Exposition.Series s : exposition.series()) {
      out.computeIfAbsent(s.name(), k -> new TreeSet<>()).addAll(s.labels().keySet());
    }
    return out;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }
}
