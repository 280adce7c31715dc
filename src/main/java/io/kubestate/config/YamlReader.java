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

  /** Every document of the text; an unparsable text becomes a {@link ConfigException}. */
  public static List<Node> readAll(String source, String text) {
    return readAll(source, new StringReader(text));
  }

  public static List<Node> readAll(String source, Reader reader) {
    LoadSettings settings =
        LoadSettings.builder().setLabel(source).setSchema(new CoreSchema()).setAllowDuplicateKeys(true).build();
    ScalarResolver scalars = new ScalarResolver(settings);
    List<Node> docs = new ArrayList<>();
    try (reader) {
      for (org.snakeyaml.engine.v2.nodes.Node doc : new Compose(settings).composeAllFromReader(reader)) {
        docs.add(convert(source, doc, scalars));
      }
    } catch (MarkedYamlEngineException e) {
      Position at = position(source, e.getProblemMark().or(e::getContextMark));
      throw new ConfigException(at, "invalid YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      throw new ConfigException(Position.of(source), "invalid YAML: " + e.getMessage());
    } catch (IOException e) {
      throw new ConfigException(Position.of(source), "cannot read: " + e.getMessage());
    }
    return docs;
  }

  private static Node convert(String source, org.snakeyaml.engine.v2.nodes.Node node, ScalarResolver scalars) {
    Position at = position(source, node.getStartMark());
    if (node instanceof ScalarNode scalar) {
      return new Node.Scalar(scalars.construct(scalar), at);
    }
    if (node instanceof SequenceNode seq) {
      List<Node> items = new ArrayList<>();
      for (org.snakeyaml.engine.v2.nodes.Node item : seq.getValue()) {
        items.add(convert(source, item, scalars));
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
        throw new ConfigException(keyAt, "duplicate key \"" + key + "\"");
      }
      entries.put(key, new Node.Mapping.Entry(keyAt, convert(source, tuple.getValueNode(), scalars)));
    }
    return new Node.Mapping(entries, at);
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
