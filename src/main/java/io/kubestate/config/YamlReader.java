package io.kubestate.config;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/** Reads YAML documents (YAML 1.2 core schema) into {@link Node} trees with positions. */
public final class YamlReader {

  private YamlReader() {}

  /** Every document of the text; an unparsable text or a duplicate key becomes a {@link ConfigException}. */
  public static List<Node> readAll(String source, String text) {
    Problems problems = new Problems();
    List<Node> docs = readAll(source, text, problems);
    problems.throwIfAny();
    return docs;
  }

  /**
   * Every document of the text, with what is wrong added to {@code problems}: a syntax error ends
   * the reading (no document is returned), a key written twice is said and its later value left out.
   */
  public static List<Node> readAll(String source, String text, Problems problems) {
    LoadSettings settings =
        LoadSettings.builder().setLabel(source).setSchema(new CoreSchema()).setAllowDuplicateKeys(true).build();
    Converter converter = new Converter(source, new ScalarResolver(settings), new ScalarText(source, text), problems);
    List<Node> docs = new ArrayList<>();
    try (Reader reader = new StringReader(text)) {
      for (org.snakeyaml.engine.v2.nodes.Node doc : new Compose(settings).composeAllFromReader(reader)) {
        docs.add(converter.convert(doc));
      }
    } catch (MarkedYamlEngineException e) {
      problems.add(position(source, e.getProblemMark().or(e::getContextMark)), "invalid YAML: " + e.getProblem());
      return List.of();
    } catch (YamlEngineException e) {
      problems.add(Position.of(source), "invalid YAML: " + e.getMessage());
      return List.of();
    } catch (IOException e) {
      problems.add(Position.of(source), "cannot read: " + e.getMessage());
      return List.of();
    }
    return docs;
  }

  private record Converter(String source, ScalarResolver scalars, ScalarText texts, Problems problems) {
    Node convert(org.snakeyaml.engine.v2.nodes.Node node) {
      Position at = position(source, node.getStartMark());
      if (node instanceof ScalarNode scalar) {
        Object value = scalars.construct(scalar);
        return new Node.Scalar(value, at, value instanceof String s ? texts.start(scalar, s) : null);
      }
      if (node instanceof SequenceNode seq) {
        List<Node> items = new ArrayList<>();
        for (org.snakeyaml.engine.v2.nodes.Node item : seq.getValue()) {
          items.add(convert(item));
        }
        return new Node.Sequence(List.copyOf(items), at);
      }
      MappingNode map = (MappingNode) node;
      Map<String, Node.Mapping.Entry> entries = new LinkedHashMap<>();
      for (NodeTuple tuple : map.getValue()) {
        Position keyAt = position(source, tuple.getKeyNode().getStartMark());
        String key =
            tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(tuple.getKeyNode());
        if (entries.containsKey(key)) {
          problems.add(keyAt, "duplicate key \"" + key + "\"");
        } else {
          entries.put(key, new Node.Mapping.Entry(keyAt, convert(tuple.getValueNode())));
        }
      }
      return new Node.Mapping(entries, at);
    }
  }

  private static Position position(String source, Optional<Mark> mark) {
    return mark.map(m -> new Position(source, m.getLine() + 1, m.getColumn() + 1))
        .orElse(Position.of(source));
  }

  /** Uses the engine's own constructors so that ints, floats, booleans and nulls follow YAML 1.2. */
  private static final class ScalarResolver extends StandardConstructor {
    ScalarResolver(LoadSettings settings) {
      super(settings);
    }

    Object construct(ScalarNode node) {
      if (node.getTag().equals(Tag.STR)) {
        return node.getValue();
      }
      ConstructNode constructor = tagConstructors.get(node.getTag());
      return constructor == null ? node.getValue() : constructor.construct(node);
    }
  }
}
