package io.kubestate.source;

import io.kubestate.config.ConfigException;
import io.kubestate.config.Position;
import io.kubestate.config.ServedKind;
import io.kubestate.expr.ObjectStore;
import io.kubestate.expr.WatchTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/** Kubernetes objects read from YAML files (several documents per file, {@code kind: List} too). */
public final class FileSource implements ObjectStore {
  private final Map<WatchTarget, List<Map<String, Object>>> byTarget;
  private final int unmatched;

  private FileSource(Map<WatchTarget, List<Map<String, Object>>> byTarget, int unmatched) {
    this.byTarget = byTarget;
    this.unmatched = unmatched;
  }

  /** Reads the files and assigns each object to the targets whose kind, version and selector it fits. */
  public static FileSource load(List<Path> files, Collection<WatchTarget> targets) {
    return of(readAll(files), targets);
  }

  /** The objects of the files, in order. */
  public static List<Map<String, Object>> readAll(List<Path> files) {
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Path file : files) {
      objects.addAll(read(file));
    }
    return objects;
  }

  /**
   * The kinds of these groups the objects are of, standing for the served kinds a wildcard entry
   * resolves to, each kind's versions in Kubernetes' version priority.
   */
  public static List<ServedKind> kinds(List<Map<String, Object>> objects, Set<String> groups) {
    return ServedKinds.ofObjects(objects, groups);
  }

  public static FileSource of(List<Map<String, Object>> objects, Collection<WatchTarget> targets) {
    Map<WatchTarget, List<Map<String, Object>>> byTarget = new LinkedHashMap<>();
    Map<WatchTarget, LabelSelector> selectors = new HashMap<>();
    for (WatchTarget t : targets) {
      byTarget.put(t, new ArrayList<>());
      selectors.put(t, t.labelSelector() == null ? LabelSelector.parse("") : LabelSelector.parse(t.labelSelector()));
    }
    int unmatched = 0;
    for (Map<String, Object> o : objects) {
      boolean matched = false;
      for (WatchTarget t : targets) {
        if (t.accepts(string(o.get("apiVersion")), string(o.get("kind"))) && selectors.get(t).matches(o)) {
          byTarget.get(t).add(o);
          matched = true;
        }
      }
      if (!matched) {
        unmatched++;
      }
    }
    return new FileSource(byTarget, unmatched);
  }

  @Override
  public Iterable<? extends Map<String, Object>> objects(WatchTarget target) {
    return byTarget.getOrDefault(target, List.of());
  }

  /** How many objects no target of the config selects. */
  public int unmatched() {
    return unmatched;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(Position.of(file.toString()), "cannot read objects: " + e.getMessage());
    }
    List<Map<String, Object>> out = new ArrayList<>();
    LoadSettings settings = LoadSettings.builder().setLabel(file.toString()).setSchema(new CoreSchema()).build();
    try {
      for (Object doc : new Load(settings).loadAllFromString(text)) {
        if (doc == null) {
          continue;
        }
        if (!(doc instanceof Map<?, ?> map)) {
          throw new ConfigException(Position.of(file.toString()), "a document is not a Kubernetes object (not a map)");
        }
        Map<String, Object> obj = (Map<String, Object>) map;
        if ("List".equals(obj.get("kind")) || string(obj.get("kind")).endsWith("List") && obj.get("items") instanceof List) {
          for (Object item : (List<Object>) obj.getOrDefault("items", List.of())) {
            if (item instanceof Map<?, ?> m) {
              out.add((Map<String, Object>) m);
            }
          }
        } else {
          out.add(obj);
        }
      }
    } catch (MarkedYamlEngineException e) {
      Position at = e.getProblemMark()
          .map(m -> new Position(file.toString(), m.getLine() + 1, m.getColumn() + 1))
          .orElse(Position.of(file.toString()));
      throw new ConfigException(at, "invalid YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      throw new ConfigException(Position.of(file.toString()), "invalid YAML: " + e.getMessage());
    }
    return out;
  }

  private static String string(Object o) {
    return o == null ? "" : o.toString();
  }
}
