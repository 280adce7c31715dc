package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Presets;
import io.kubestate.e2e.ExternalTools;
import io.kubestate.expr.CompiledFamily;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.telemetry.PrometheusNaming;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Grafana dashboards under deploy/dashboards against the presets they are written for (their
 * {@code preset:NAME} tags): every metric a query names must be in what {@code render} gives for
 * the presets' example objects, and every label it names must be one those metrics carry, so that
 * renaming a family or an attribute cannot silently empty a panel. PromQL is read loosely: metric
 * names are identifiers before a {@code {...}} selector or equal to a produced family; labels are
 * those inside selectors and in {@code by}, {@code without}, {@code on}, {@code ignoring} and
 * {@code group_left/right} lists.
 */
class DashboardsTest {
  private static final String NOW = "2026-08-24T14:00:00Z";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
  private static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)\\}");
  private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![a-zA-Z0-9_:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\s*\\((?:(.*),)?\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$", Pattern.DOTALL);
  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
      "bool", "and", "or", "unless", "offset", "inf", "nan", "atan2");

  /** What the presets of one dashboard give for their example objects. */
  private record Produced(Set<String> metrics, Map<String, Set<String>> labels) {
    Set<String> labelsOf(Set<String> metricNames) {
      Set<String> out = new TreeSet<>();
      metricNames.forEach(m -> out.addAll(labels.getOrDefault(m, Set.of())));
      return out;
    }

    Set<String> allLabels() {
      Set<String> out = new TreeSet<>();
      labels.values().forEach(out::addAll);
      return out;
    }
  }

  @TestFactory
  Stream<DynamicTest> everyDashboardQueriesWhatItsPresetsProduce() throws IOException {
    List<Path> files = DashboardFiles.all();
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("tekton.json", "kueue.json", "gateway-api.json", "argocd.json", "tap.json");
    return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      JsonNode board = JSON.readTree(file.toFile());
      List<String> presets = DashboardFiles.presets(board);
      assertThat(presets).as("%s names its presets in tags preset:NAME", file).isNotEmpty()
          .allSatisfy(p -> assertThat(Presets.exists(p)).as("preset %s exists", p).isTrue());
      Produced produced = produce(presets);
      List<String> problems = new ArrayList<>();
      for (DashboardFiles.Query q : DashboardFiles.queries(board)) {
        check(q, produced, problems);
      }
      assertThat(problems).as("queries of %s naming what presets %s do not produce for their example objects",
          file, presets).isEmpty();
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyDashboardIsTemplatedByDataSourceAndNamespace() throws IOException {
    return DashboardFiles.all().stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
      JsonNode board = JSON.readTree(file.toFile());
      List<JsonNode> variables = new ArrayList<>();
      board.path("templating").path("list").forEach(variables::add);
      assertThat(variables).as("a data source variable").anySatisfy(v -> {
        assertThat(v.path("type").asText()).isEqualTo("datasource");
        assertThat(v.path("query").asText()).isEqualTo("prometheus");
        assertThat(v.path("name").asText()).isEqualTo("datasource");
      });
      assertThat(variables).as("a namespace variable").anySatisfy(v -> {
        assertThat(v.path("type").asText()).isEqualTo("query");
        assertThat(v.path("name").asText()).contains("namespace");
      });
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : DashboardFiles.panels(board)) {
        assertThat(ids.add(panel.path("id").asInt())).as("panel id %s is unique", panel.path("id")).isTrue();
        if (panel.path("type").asText().equals("row")) {
          continue;
        }
        assertThat(panel.path("datasource").path("uid").asText()).as("data source of panel %s",
            panel.path("title").asText()).isEqualTo("${datasource}");
        assertThat(panel.path("targets")).as("queries of panel %s", panel.path("title").asText()).isNotEmpty();
        panel.path("targets").forEach(t -> assertThat(t.path("datasource").path("uid").asText("${datasource}"))
            .isEqualTo("${datasource}"));
      }
    }));
  }

  @Test
  void everyQueryIsValidPromql() throws IOException {
    Path promtool = ExternalTools.require("promtool", "prometheus");
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
    Map<String, String> where = new TreeMap<>();
    int n = 0;
    for (Path file : DashboardFiles.all()) {
      for (DashboardFiles.Query q : DashboardFiles.queries(JSON.readTree(file.toFile()))) {
        if (q.variable()) {
          continue;
        }
        String record = "dashboard_query_" + ++n;
        where.put(record, file.getFileName() + " / " + q.panel());
        // Grafana's own range variables are not PromQL; any duration stands in for them.
        String expr = q.expr().replaceAll("\\$__\\w+", "5m").replaceAll("\\$\\{__\\w+}", "5m");
        rules.append("      - record: ").append(record).append("\n        expr: ")
            .append(JSON.writeValueAsString(expr)).append('\n');
      }
    }
    Path file = Files.createTempFile("dashboards", ".rules.yaml");
    try {
      Files.writeString(file, rules, StandardCharsets.UTF_8);
      ExternalTools.Result r = ExternalTools.run(List.of(promtool.toString(), "check", "rules", file.toString()), null,
          Duration.ofSeconds(60));
      Map<String, String> failing = new TreeMap<>();
      Matcher m = Pattern.compile("dashboard_query_\\d+").matcher(r.stdout() + r.stderr());
      while (m.find()) {
        failing.put(m.group(), where.get(m.group()));
      }
      assertThat(r.exitCode()).as("promtool check rules:%n%s%n%s%nin: %s", r.stdout(), r.stderr(), failing).isZero();
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void kustomizationShipsEveryDashboardToGrafana() throws IOException {
    Path kubectl = ExternalTools.require("kubectl", "kubernetes-client");
    ExternalTools.Result r = ExternalTools.run(List.of(kubectl.toString(), "kustomize", DashboardFiles.DIRECTORY.toString()), null,
        Duration.ofSeconds(60));
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    Map<String, String> shipped = new TreeMap<>();
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (String doc : r.stdout().split("(?m)^---\\s*$")) {
      if (doc.isBlank()) {
        continue;
      }
      ConfigMap map = serialization.unmarshal(doc, ConfigMap.class);
      assertThat(map.getMetadata().getLabels()).as(map.getMetadata().getName())
          .containsEntry("grafana_dashboard", "1");
      shipped.putAll(map.getData());
    }
    Map<String, String> files = new TreeMap<>();
    for (Path file : DashboardFiles.all()) {
      files.put(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
    }
    assertThat(shipped).isEqualTo(files);
  }

  // ---- what the presets produce

  private static Produced produce(List<String> presets) throws IOException {
    List<String> args = new ArrayList<>(List.of("render", "--preset", String.join(",", presets), "--now", NOW));
    for (String preset : presets) {
      args.addAll(RenderGoldenTest.objectFiles(preset));
    }
    CliRunner.Result result = CliRunner.run(args.toArray(new String[0]));
    assertThat(result.exitCode()).as(result.err()).isZero();
    Set<String> metrics = new TreeSet<>();
    Map<String, Set<String>> labels = new HashMap<>();
    Pattern sample = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{.*})?\\s");
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");
    for (String line : result.out().split("\n")) {
      Matcher m = sample.matcher(line);
      if (line.startsWith("#") || !m.find()) {
        continue;
      }
      metrics.add(m.group(1));
      Set<String> set = labels.computeIfAbsent(m.group(1), k -> new TreeSet<>());
      if (m.group(2) != null) {
        Matcher l = label.matcher(m.group(2));
        while (l.find()) {
          set.add(l.group(1));
        }
      }
    }
    // Attributes left off on every example object still belong to their family.
    for (KindMetrics kind : Compiler.compile(ConfigLoader.load(presets, List.of())).kinds()) {
      for (CompiledFamily f : kind.families()) {
        Set<String> set = labels.computeIfAbsent(PrometheusNaming.metricName(f.name(), f.unit()), k -> new TreeSet<>());
        f.attributeKeys().forEach(k -> set.add(PrometheusNaming.labelName(k)));
      }
    }
    return new Produced(metrics, labels);
  }

  // ---- checking one query

  private static void check(DashboardFiles.Query q, Produced produced, List<String> problems) {
    String where = q.panel() + ": ";
    String expr = q.expr();
    String labelValuesOf = null;
    Matcher lv = LABEL_VALUES.matcher(expr);
    if (lv.matches()) {
      labelValuesOf = lv.group(2);
      expr = lv.group(1) == null ? "" : lv.group(1);
    }
    Set<String> defined = new HashSet<>();
    Set<String> sources = new LinkedHashSet<>();
    labelFunctions(expr, defined, sources);
    String text = RANGE.matcher(STRING.matcher(expr).replaceAll("\"\"")).replaceAll(" ");

    Set<String> metrics = new LinkedHashSet<>();
    Map<String, Set<String>> selectorLabels = new HashMap<>();
    Matcher s = SELECTOR.matcher(text);
    StringBuilder rest = new StringBuilder();
    while (s.find()) {
      String metric = s.group(1);
      Set<String> names = new LinkedHashSet<>();
      Matcher m = MATCHER.matcher(s.group(2));
      while (m.find()) {
        names.add(m.group(1));
      }
      if (metric != null && !KEYWORDS.contains(metric)) {
        metrics.add(metric);
        selectorLabels.computeIfAbsent(metric, k -> new LinkedHashSet<>()).addAll(names);
      } else {
        selectorLabels.computeIfAbsent("", k -> new LinkedHashSet<>()).addAll(names);
      }
      s.appendReplacement(rest, Matcher.quoteReplacement(metric != null && KEYWORDS.contains(metric) ? metric : " "));
    }
    s.appendTail(rest);

    Set<String> grouped = new LinkedHashSet<>();
    Matcher g = GROUPING.matcher(rest.toString());
    StringBuilder bare = new StringBuilder();
    while (g.find()) {
      for (String name : g.group(2).split(",")) {
        if (!name.isBlank()) {
          grouped.add(name.strip());
        }
      }
      g.appendReplacement(bare, " ");
    }
    g.appendTail(bare);

    Matcher id = IDENTIFIER.matcher(bare.toString());
    while (id.find()) {
      String name = id.group(1);
      if (id.group(2) != null || KEYWORDS.contains(name)) {
        continue;
      }
      if (produced.metrics().contains(name) || looksLikeAFamily(name, produced)) {
        metrics.add(name);
      }
    }

    for (String metric : metrics) {
      if (!produced.metrics().contains(metric)) {
        problems.add(where + "metric " + metric + " is not produced (" + q.expr() + ")");
      }
    }
    Set<String> available = new HashSet<>(produced.labelsOf(metrics));
    available.addAll(defined);
    selectorLabels.forEach((metric, names) -> {
      if (!metric.isEmpty() && !produced.metrics().contains(metric)) {
        return;
      }
      Set<String> own = metric.isEmpty() ? produced.allLabels() : produced.labelsOf(Set.of(metric));
      for (String name : names) {
        if (!own.contains(name) && !name.equals("__name__")) {
          problems.add(where + "label " + name + " is not a label of " + (metric.isEmpty() ? "any metric" : metric)
              + " (" + q.expr() + ")");
        }
      }
    });
    Set<String> needed = new LinkedHashSet<>(grouped);
    needed.addAll(sources);
    for (String name : needed) {
      if (!available.contains(name)) {
        problems.add(where + "label " + name + " is not a label of " + metrics + " (" + q.expr() + ")");
      }
    }
    if (labelValuesOf != null) {
      Set<String> own = metrics.isEmpty() ? produced.allLabels() : produced.labelsOf(metrics);
      if (!own.contains(labelValuesOf)) {
        problems.add(where + "label_values of " + labelValuesOf + ", a label of " + (metrics.isEmpty() ? "no metric"
            : "none of " + metrics));
      }
    }
  }

  /** An identifier named like the presets' families (same first word) that none of them produces. */
  private static boolean looksLikeAFamily(String name, Produced produced) {
    int underscore = name.indexOf('_');
    if (underscore <= 0) {
      return false;
    }
    String prefix = name.substring(0, underscore + 1);
    return produced.metrics().stream().anyMatch(m -> m.startsWith(prefix));
  }

  /** Labels label_replace and count_values create, and the labels label_replace reads. */
  private static void labelFunctions(String expr, Set<String> defined, Set<String> sources) {
    for (String fn : List.of("label_replace", "count_values")) {
      int from = 0;
      while ((from = expr.indexOf(fn + "(", from)) >= 0) {
        List<String> strings = stringArguments(expr, from + fn.length());
        if (fn.equals("count_values") && !strings.isEmpty()) {
          defined.add(strings.get(0));
        } else if (strings.size() >= 4) {
          defined.add(strings.get(strings.size() - 4));
          sources.add(strings.get(strings.size() - 2));
        }
        from += fn.length();
      }
    }
  }

  /** The string literals between the parenthesis at {@code open} and the one that closes it. */
  private static List<String> stringArguments(String expr, int open) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    for (int i = open; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'') {
        int end = i + 1;
        while (end < expr.length() && expr.charAt(end) != c) {
          end += expr.charAt(end) == '\\' ? 2 : 1;
        }
        if (depth == 1) {
          out.add(expr.substring(i + 1, Math.min(end, expr.length())));
        }
        i = end;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        break;
      }
    }
    return out;
  }
}
