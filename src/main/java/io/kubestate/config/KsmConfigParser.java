package io.kubestate.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads kube-state-metrics' {@code kind: CustomResourceStateMetrics} files unchanged into the
 * config model (pkg/customresourcestate/config.go and config_metrics_types.go fix the schema).
 * Whatever kube-state-metrics silently ignores (a missing {@code spec}, unknown keys, a StateSet
 * without states) is reported as a warning with its position.
 */
final class KsmConfigParser {
  static final String KIND = "CustomResourceStateMetrics";
  private static final String DEFAULT_PREFIX = "kube_customresource";
  private static final String IGNORED = ", which kube-state-metrics ignores";

  private final Problems problems;

  KsmConfigParser(Problems problems) {
    this.problems = problems;
  }

  MetricsConfig parse(Fields top) {
    top.string("kind", false);
    top.string("apiVersion", false);
    Node spec = top.node("spec");
    top.warnUnknown(IGNORED);
    if (spec == null) {
      problems.warn(top.position(), "no \"spec\": kube-state-metrics reads its resources from spec.resources, so this"
          + " file defines no metrics");
      return new MetricsConfig(List.of());
    }
    Fields s = Fields.of(spec, "\"spec\"", problems);
    if (s == null) {
      return new MetricsConfig(List.of());
    }
    // kube-state-metrics registers one store per group/version/resource, and a later entry for the
    // same kind replaces the earlier one (builder.go registerStore): only the last one is served.
    Map<String, ResourceConfig> resources = new LinkedHashMap<>();
    for (Node n : s.list("resources")) {
      ResourceConfig r = resource(n);
      if (r == null) {
        continue;
      }
      String gvk = r.apiVersion(r.versions().get(0)) + " " + r.kind();
      ResourceConfig earlier = resources.remove(gvk);
      if (earlier != null) {
        problems.warn(r.position(), gvk + " is configured again here; as in kube-state-metrics, this entry replaces"
            + " the one at " + earlier.position() + ", whose metrics are not served");
      }
      resources.put(gvk, r);
    }
    if (resources.isEmpty() && !s.has("resources")) {
      problems.warn(s.position(), "no \"resources\": this file defines no metrics");
    }
    s.warnUnknown(IGNORED);
    return new MetricsConfig(List.copyOf(resources.values()));
  }

  private ResourceConfig resource(Node node) {
    Fields f = Fields.of(node, "a resource", problems);
    if (f == null) {
      return null;
    }
    boolean hasGvk = f.has("groupVersionKind");
    Fields gvk = hasGvk ? Fields.of(f.node("groupVersionKind"), "\"groupVersionKind\"", problems) : null;
    if (gvk == null) {
      // Without a kind the rest of the entry is not read, so its keys are neither checked nor called unknown.
      if (!hasGvk) {
        problems.add(f.position(), "missing required key \"groupVersionKind\"");
      }
      return null;
    }
    String group = gvk.string("group", false);
    String version = gvk.string("version", true);
    String kind = gvk.string("kind", true);
    gvk.warnUnknown(IGNORED);
    boolean wildcard = ResourceConfig.ANY.equals(version) || ResourceConfig.ANY.equals(kind);
    if (wildcard && (group == null || group.isEmpty() || ResourceConfig.ANY.equals(group))) {
      // kube-state-metrics resolves a wildcard within one group and refuses one without.
      problems.add(gvk.position(), "a wildcard version or kind needs a \"group\": kube-state-metrics resolves it"
          + " to the kinds that CustomResourceDefinitions of that one group define");
    }
    // A null prefix is kube-state-metrics' nil pointer, as if the key were absent: the default applies.
    String prefix = f.string("metricNamePrefix", false);
    if (prefix == null) {
      prefix = DEFAULT_PREFIX;
    }
    String plural = f.string("resourcePlural", false);
    if (plural != null && plural.isEmpty()) {
      // An empty plural is kube-state-metrics' default: the plural comes from the CRD.
      plural = null;
    }
    if (plural != null && wildcard) {
      problems.warn(f.valuePosition("resourcePlural"), "\"resourcePlural\" is ignored for a wildcard entry: as in"
          + " kube-state-metrics, each kind's plural comes from its CustomResourceDefinition");
      plural = null;
    }
    Map<String, String> commonLabels = f.stringMap("commonLabels");
    Map<String, List<String>> labelsFromPath = f.pathMap("labelsFromPath");
    f.string("errorLogV", false);
    List<FamilyConfig> families = new ArrayList<>();
    Map<String, String> crLabels = new LinkedHashMap<>(commonLabels);
    crLabels.put(KsmFamilySpec.GROUP_LABEL, orEmpty(group));
    crLabels.put(KsmFamilySpec.VERSION_LABEL, orEmpty(version));
    crLabels.put(KsmFamilySpec.KIND_LABEL, orEmpty(kind));
    for (Node n : f.list("metrics")) {
      FamilyConfig fam = family(n, prefix, crLabels, labelsFromPath);
      if (fam != null) {
        families.add(fam);
      }
    }
    if (families.isEmpty()) {
      problems.warn(f.position(), "this resource defines no metrics");
    }
    f.warnUnknown(IGNORED);
    if (version == null || kind == null) {
      return null;
    }
    return new ResourceConfig(orEmpty(group), List.of(version), kind, plural, null, List.of(), List.of(), families,
        f.position());
  }

  private FamilyConfig family(Node node, String prefix, Map<String, String> resourceLabels,
      Map<String, List<String>> resourcePaths) {
    Fields f = Fields.of(node, "a metric", problems);
    if (f == null) {
      return null;
    }
    String name = f.string("name", true);
    String help = f.string("help", false);
    Map<String, String> common = new LinkedHashMap<>(resourceLabels);
    Map<String, String> own = f.stringMap("commonLabels");
    common.putAll(own);
    Set<String> kindLabels = new HashSet<>(List.of(KsmFamilySpec.GROUP_LABEL, KsmFamilySpec.VERSION_LABEL,
        KsmFamilySpec.KIND_LABEL));
    kindLabels.removeAll(own.keySet());
    Map<String, List<String>> paths = new LinkedHashMap<>(resourcePaths);
    paths.putAll(f.pathMap("labelsFromPath"));
    f.string("errorLogV", false);
    Fields each = f.has("each") ? Fields.of(f.node("each"), "\"each\"", problems) : null;
    if (each == null) {
      problems.add(f.position(), "missing required key \"each\"");
    }
    f.warnUnknown(IGNORED);
    if (each == null || name == null) {
      return null;
    }
    KsmFamilySpec spec = each(each, common, paths, name, kindLabels);
    if (spec == null) {
      return null;
    }
    // Joined as written, like kube-state-metrics' fullName: "acme_" and "uptime" give "acme__uptime".
    String fullName = prefix.isEmpty() ? name : prefix + "_" + name;
    return new FamilyConfig(fullName, spec.type(), orEmpty(help), "", List.of(), List.of(), List.of(), null,
        List.of(), null, List.of(), null, spec, f.position());
  }

  private KsmFamilySpec each(Fields each, Map<String, String> common, Map<String, List<String>> paths, String name,
      Set<String> kindLabels) {
    String typeWord = each.string("type", true);
    FamilyType type = null;
    String block = null;
    if (typeWord != null) {
      switch (typeWord.toLowerCase(Locale.ROOT)) {
        case "gauge" -> {
          type = FamilyType.GAUGE;
          block = "gauge";
        }
        case "stateset" -> {
          type = FamilyType.STATESET;
          block = "stateSet";
        }
        case "info" -> {
          type = FamilyType.INFO;
          block = "info";
        }
        default -> problems.add(each.valuePosition("type"), "unknown metric type \"" + typeWord
            + "\"; kube-state-metrics knows Gauge, StateSet and Info");
      }
    }
    for (String other : List.of("gauge", "stateSet", "info")) {
      if (!other.equals(block) && each.has(other)) {
        problems.warn(each.keyPosition(other), "\"" + other + "\" is ignored: the type is " + typeWord);
      }
    }
    if (type == null) {
      each.warnUnknown(IGNORED);
      return null;
    }
    Fields m = each.has(block) ? Fields.of(each.node(block), "\"" + block + "\"", problems) : null;
    each.warnUnknown(IGNORED);
    if (m == null) {
      problems.add(each.position(), "a " + typeWord + " metric needs \"" + block + "\"");
      return null;
    }
    List<String> path = m.strings("path");
    Map<String, List<String>> labels = m.pathMap("labelsFromPath");
    List<String> valueFrom = type == FamilyType.INFO ? List.of() : m.strings("valueFrom");
    boolean nilIsZero = type == FamilyType.GAUGE && m.bool("nilIsZero");
    String labelFromKey = type == FamilyType.STATESET ? null : m.string("labelFromKey", false);
    List<String> list = type == FamilyType.STATESET ? m.strings("list") : List.of();
    String labelName = type == FamilyType.STATESET ? m.string("labelName", false) : null;
    if (type == FamilyType.STATESET && list.isEmpty()) {
      problems.warn(m.position(), "StateSet " + name + " has no \"list\" of states: kube-state-metrics emits nothing"
          + " for it");
    }
    m.warnUnknown(IGNORED);
    return new KsmFamilySpec(type, common, paths, path, labels, valueFrom, nilIsZero, orEmpty(labelFromKey), list,
        orEmpty(labelName), kindLabels);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
