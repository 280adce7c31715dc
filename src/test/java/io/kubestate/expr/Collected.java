package io.kubestate.expr;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import io.kubestate.config.YamlReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The samples and problems families give for some objects, as a user would read them. */
final class Collected implements SampleSink {
  static final Instant NOW = Instant.parse("2026-08-24T12:00:00Z");

  record Sample(String family, Map<String, String> attributes, double value) {}

  final List<Sample> samples = new ArrayList<>();
  /** {@code family:reason} of each problem. */
  final List<String> problems = new ArrayList<>();
  final List<String> messages = new ArrayList<>();

  /** Compiles a config (which must be clean) and evaluates its first kind on the objects at {@link #NOW}. */
  static Collected collect(String config, List<Map<String, Object>> objects) {
    Problems problems = new Problems();
    CompiledConfig compiled = Compiler.compile(ConfigLoader.parse("test.yaml", config, problems));
    assertThat(problems.list()).isEmpty();
    Collected out = new Collected();
    compiled.kinds().get(0).collect(objects, NOW, out);
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(String text) {
    return (Map<String, Object>) YamlReader.readAll("object", text).get(0).toPlain();
  }

  @Override
  public void sample(CompiledFamily family, String[] values, String[] extra, double value) {
    Map<String, String> attrs = new LinkedHashMap<>();
    for (int i = 0; extra != null && i < extra.length; i += 2) {
      attrs.put(extra[i], extra[i + 1]);
    }
    List<String> keys = family.attributeKeys();
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        attrs.put(keys.get(i), values[i]);
      }
    }
    samples.add(new Sample(family.name(), attrs, value));
  }

  @Override
  public void problem(CompiledFamily family, String reason, String message) {
    problems.add(family.name() + ":" + reason);
    messages.add(message);
  }
}
