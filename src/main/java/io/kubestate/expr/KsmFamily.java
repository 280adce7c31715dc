package io.kubestate.expr;

import io.kubestate.config.Conversion;
import io.kubestate.config.FamilyType;
import io.kubestate.config.KsmFamilySpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Evaluates a kube-state-metrics metric with kube-state-metrics' own rules
 * (pkg/customresourcestate/registry_factory.go: compiledGauge/compiledInfo/compiledStateSet.Values,
 * addPathLabels, toFloat64), so that a translated config yields the series kube-state-metrics
 * yields. Samples flow into the same sink, instruments and exporters as native families.
 */
final class KsmFamily {
  private static final Pattern INVALID_LABEL_CHARS = Pattern.compile("[^a-zA-Z0-9_]");

  private final FamilyType type;
  private final Map<String, String> baseLabels;
  private final Labels baseLabelPaths;
  private final KsmPath path;
  private final Labels labels;
  private final KsmPath valueFrom;
  private final boolean nilIsZero;
  private final String labelFromKey;
  private final List<String> list;
  private final String labelName;

  KsmFamily(KsmFamilySpec spec) {
    this.type = spec.type();
    this.baseLabels = spec.baseLabels();
    this.baseLabelPaths = new Labels(spec.baseLabelsFromPath());
    this.path = new KsmPath(spec.path());
    this.labels = new Labels(spec.labelsFromPath());
    this.valueFrom = new KsmPath(spec.valueFrom());
    this.nilIsZero = spec.nilIsZero();
    this.labelFromKey = spec.labelFromKey();
    this.list = spec.list();
    this.labelName = spec.labelName();
  }

  private record Sample(Map<String, String> labels, double value) {}

  void evaluate(Object root, CompiledFamily family, SampleSink sink) {
    Map<String, String> base = new TreeMap<>(baseLabels);
    baseLabelPaths.addTo(root, base);
    List<Sample> samples = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    Object v = path.get(root);
    switch (type) {
      case GAUGE -> gauge(v, samples, errors);
      case INFO -> info(v, samples);
      case STATESET -> stateSet(v, samples, errors);
    }
    for (String error : errors) {
      int colon = error.indexOf(':');
      sink.problem(family, error.substring(0, colon), error.substring(colon + 1).strip());
    }
    for (Sample s : samples) {
      base.forEach(s.labels()::putIfAbsent);
      String[] extra = new String[s.labels().size() * 2];
      int i = 0;
      for (Map.Entry<String, String> e : new TreeMap<>(s.labels()).entrySet()) {
        extra[i++] = e.getKey();
        extra[i++] = e.getValue();
      }
      sink.sample(family, new String[0], extra, s.value());
    }
  }

  private void gauge(Object v, List<Sample> out, List<String> errors) {
    if (v instanceof Map<?, ?> map) {
      String direct = valueFrom.single();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        Object it = e.getValue();
        Sample s;
        if (direct != null && direct.equals(key)) {
          Double d = toFloat(it, errors);
          if (d == null) {
            continue;
          }
          s = new Sample(new LinkedHashMap<>(), d);
        } else {
          s = value(it, errors);
          if (s == null) {
            continue;
          }
        }
        if (!key.isEmpty() && !labelFromKey.isEmpty()) {
          s.labels().put(labelFromKey, key);
        }
        labels.addTo(it, s.labels());
        // kube-state-metrics also resolves labels against the map being iterated.
        labels.addTo(v, s.labels());
        out.add(s);
      }
    } else if (v instanceof List<?> items) {
      for (Object it : items) {
        Sample s = value(it, errors);
        if (s != null) {
          labels.addTo(it, s.labels());
          out.add(s);
        }
      }
    } else {
      Sample s = value(v, errors);
      if (s != null) {
        labels.addTo(v, s.labels());
        out.add(s);
      }
    }
  }

  private Sample value(Object it, List<String> errors) {
    Object got = valueFrom.get(it);
    if (got == null) {
      if (nilIsZero) {
        return new Sample(new LinkedHashMap<>(), 0);
      }
      if (it == null) {
        errors.add("missing: got nil while resolving path " + path);
      }
      return null;
    }
    Double d = toFloat(got, errors);
    return d == null ? null : new Sample(new LinkedHashMap<>(), d);
  }

  private Double toFloat(Object value, List<String> errors) {
    if (value == null) {
      if (nilIsZero) {
        return 0.0;
      }
      errors.add("missing: expected number but found nil value");
      return null;
    }
    try {
      return Values.toDouble(value, Conversion.KUBE_STATE_METRICS);
    } catch (EvaluationException e) {
      errors.add(e.reason() + ": " + valueFrom + ": " + e.getMessage());
      return null;
    }
  }

  private void info(Object v, List<Sample> out) {
    if (v instanceof List<?> items) {
      for (Object obj : items) {
        infoValue(obj, out);
      }
    } else if (v instanceof Map<?, ?> map) {
      List<Sample> whole = new ArrayList<>();
      infoValue(v, whole);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Map<String, String> l = new LinkedHashMap<>();
        String key = String.valueOf(e.getKey());
        if (!key.isEmpty() && !labelFromKey.isEmpty()) {
          l.put(labelFromKey, key);
        }
        labels.addTo(e.getValue(), l);
        if (!l.isEmpty()) {
          out.add(new Sample(l, 1));
        }
      }
      out.addAll(whole);
    } else {
      infoValue(v, out);
    }
  }

  private void infoValue(Object v, List<Sample> out) {
    if (v == null) {
      return;
    }
    Map<String, String> l = new LinkedHashMap<>();
    labels.addTo(v, l);
    if (!l.isEmpty()) {
      out.add(new Sample(l, 1));
    }
  }

  private void stateSet(Object v, List<Sample> out, List<String> errors) {
    if (v instanceof List<?> items) {
      for (Object obj : items) {
        stateSetValue(obj, out, errors);
      }
    } else {
      stateSetValue(v, out, errors);
    }
  }

  private void stateSetValue(Object v, List<Sample> out, List<String> errors) {
    Object comparable = valueFrom.get(v);
    if (comparable == null) {
      return;
    }
    if (!(comparable instanceof String current)) {
      errors.add("not_a_string: expected value for path to be string, got " + Values.kind(comparable));
      return;
    }
    for (String entry : list) {
      Map<String, String> l = new LinkedHashMap<>();
      l.put(labelName, entry);
      labels.addTo(v, l);
      out.add(new Sample(l, current.equals(entry) ? 1 : 0));
    }
  }

  /** {@code labelsFromPath} with its wildcards: starred entries copy a whole map, first, in sorted order. */
  private static final class Labels {
    private final TreeMap<String, KsmPath> stars = new TreeMap<>();
    private final Map<String, KsmPath> plain = new LinkedHashMap<>();

    Labels(Map<String, List<String>> paths) {
      paths.forEach((k, p) -> {
        if (k.startsWith("*") || k.endsWith("*")) {
          stars.put(k, new KsmPath(p));
        } else {
          plain.put(k, new KsmPath(p));
        }
      });
    }

    void addTo(Object obj, Map<String, String> result) {
      stars.forEach((star, p) -> {
        if (p.get(obj) instanceof Map<?, ?> map) {
          map.forEach((k, v) -> {
            String key = star.endsWith("*") ? star.substring(0, star.length() - 1) + k : String.valueOf(k);
            result.put(sanitize(key), goString(v));
          });
        }
      });
      plain.forEach((k, p) -> {
        Object value = p.get(obj);
        if (value != null) {
          result.put(sanitize(k), goString(value));
        }
      });
    }
  }

  static String sanitize(String labelName) {
    return INVALID_LABEL_CHARS.matcher(labelName).replaceAll("_");
  }

  /** Go's {@code fmt.Sprintf("%v", v)} for values decoded from JSON, which is how kube-state-metrics prints labels. */
  static String goString(Object v) {
    if (v == null) {
      return "<nil>";
    }
    if (v instanceof Double || v instanceof Float) {
      return goFloat(((Number) v).doubleValue());
    }
    if (v instanceof Map<?, ?> map) {
      StringBuilder sb = new StringBuilder("map[");
      new TreeMap<>(map.entrySet().stream().collect(java.util.stream.Collectors.toMap(
          e -> String.valueOf(e.getKey()), Map.Entry::getValue, (a, b) -> a))).forEach((k, val) -> {
            if (sb.length() > 4) {
              sb.append(' ');
            }
            sb.append(k).append(':').append(goString(val));
          });
      return sb.append(']').toString();
    }
    if (v instanceof List<?> items) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < items.size(); i++) {
        sb.append(i == 0 ? "" : " ").append(goString(items.get(i)));
      }
      return sb.append(']').toString();
    }
    return String.valueOf(v);
  }

  /** Go's %v of a float64: shortest digits, the exponent form from 1e+06 up and below 1e-04. */
  static String goFloat(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return "0";
    }
    BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    int exponent = shortest.precision() - shortest.scale() - 1;
    if (exponent < -4 || exponent >= 6) {
      String digits = shortest.unscaledValue().abs().toString();
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
          + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
    return shortest.toPlainString();
  }
}
