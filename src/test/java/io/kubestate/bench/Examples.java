package io.kubestate.bench;

import io.kubestate.config.ConfigLoader;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.Projection;
import io.kubestate.expr.WatchTarget;
import io.kubestate.source.FileSource;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Objects made from the example objects under {@code src/test/resources/objects}, as many as a
 * scenario needs, each with its own identity and times, and projected as the informer cache projects them.
 */
final class Examples {
  private Examples() {}

  static CompiledConfig preset(String name) {
    return Compiler.compile(ConfigLoader.load(List.of(name), List.of()));
  }

  static List<WatchTarget> targets(CompiledConfig c) {
    return c.kinds().stream().map(KindMetrics::target).toList();
  }

  static WatchTarget target(CompiledConfig c, String kind) {
    return targets(c).stream().filter(t -> t.kind().equals(kind)).findFirst().orElseThrow();
  }

  /** The example objects of {@code dir} under src/test/resources/objects for one kind. */
  static List<Map<String, Object>> examples(String dir, CompiledConfig config, String kind) throws Exception {
    Path folder = resource("objects/" + dir);
    List<Path> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    List<Map<String, Object>> out = new ArrayList<>();
    FileSource.load(files, targets(config)).objects(target(config, kind)).forEach(out::add);
    if (out.isEmpty()) {
      throw new IllegalStateException("no " + kind + " under " + folder);
    }
    return out;
  }

  private static Path resource(String name) throws URISyntaxException {
    URL url = Examples.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IllegalStateException(name + " is not on the test classpath (run test-compile first)");
    }
    return Paths.get(url.toURI());
  }

  @SuppressWarnings("unchecked")
  static Object deepCopy(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), deepCopy(v)));
      return out;
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(v -> out.add(deepCopy(v)));
      return out;
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Map<String, Object> m, String key) {
    return (Map<String, Object>) m.get(key);
  }

  /** The i-th variant of an example: its own name, namespace, uid and times (shifted by up to a day). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> variant(Map<String, Object> example, int i, int namespaces) {
    Map<String, Object> o = (Map<String, Object>) deepCopy(example);
    Map<String, Object> meta = map(o, "metadata");
    String base = String.valueOf(meta.get("name"));
    meta.put("name", base + "-" + Integer.toString(i, 36));
    meta.put("namespace", "tenant-" + (i % namespaces));
    meta.put("uid", UUID.nameUUIDFromBytes((base + i).getBytes(StandardCharsets.UTF_8)).toString());
    meta.put("resourceVersion", Integer.toString(1000 + i));
    long shift = -(i % 86_400);
    shiftTimes(o, shift);
    return o;
  }

  /** The first {@code n} variants of the examples, taken in turn, in {@code namespaces} namespaces. */
  static List<Map<String, Object>> variants(List<Map<String, Object>> examples, int n, int namespaces) {
    List<Map<String, Object>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(variant(examples.get(i % examples.size()), i, namespaces));
    }
    return out;
  }

  /** Shifts every RFC 3339 timestamp in the object, so that series values differ between objects. */
  @SuppressWarnings("unchecked")
  private static void shiftTimes(Object o, long seconds) {
    if (o instanceof Map<?, ?> m) {
      for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
        if (e.getValue() instanceof String s && s.length() >= 20 && s.charAt(4) == '-' && s.charAt(10) == 'T'
            && s.endsWith("Z")) {
          try {
            e.setValue(Instant.parse(s).plusSeconds(seconds).toString());
          } catch (RuntimeException ignored) {
            // not a timestamp after all
          }
        } else {
          shiftTimes(e.getValue(), seconds);
        }
      }
    } else if (o instanceof List<?> l) {
      l.forEach(v -> shiftTimes(v, seconds));
    }
  }

  /** The objects as the informer cache holds them: only the fields the kind's families read. */
  static List<Map<String, Object>> projected(CompiledConfig config, String kind,
      List<Map<String, Object>> objects) {
    Projection projection = projection(config, kind);
    List<Map<String, Object>> out = new ArrayList<>(objects.size());
    objects.forEach(o -> out.add(projection.apply(o)));
    return out;
  }

  static Projection projection(CompiledConfig config, String kind) {
    return Projection.of(config.kinds().stream().filter(k -> k.target().kind().equals(kind)).findFirst()
        .orElseThrow());
  }
}
