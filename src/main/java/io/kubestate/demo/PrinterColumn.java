package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.TableColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubestate.expr.Path;
import io.kubestate.expr.Scope;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One column of a definition's {@code additionalPrinterColumns}, as the API server fills it in
 * the tables kubectl asks for: its JSONPath read on each object, the value shown as the column's
 * type says ({@code date}: the time since, as kubectl shows ages).
 */
final class PrinterColumn {
  // CRD printer columns use the simple JSONPath of kubectl: keys, indexes, and filters of a list
  // by one field, which the exporter's own paths express as [field="value"].
  private static final Pattern FILTER =
      Pattern.compile("\\[\\?\\(@\\.([\\w.-]+)\\s*==\\s*([\"'])(.*?)\\2\\)]");

  /** What a definition without printer columns shows, as the API server defaults it. */
  static final PrinterColumn AGE = new PrinterColumn(new CustomResourceColumnDefinition(
      "Age of the object", null, ".metadata.creationTimestamp", "Age", 0, "date"));

  private final CustomResourceColumnDefinition definition;
  private final Path path;

  PrinterColumn(CustomResourceColumnDefinition definition) {
    this.definition = definition;
    this.path = parse(definition.getJsonPath());
  }

  /** Columns of a served version: its printer columns, or the age alone when it has none. */
  static List<PrinterColumn> of(List<CustomResourceColumnDefinition> definitions) {
    return definitions == null || definitions.isEmpty()
        ? List.of(AGE)
        : definitions.stream().map(PrinterColumn::new).toList();
  }

  TableColumnDefinition header() {
    TableColumnDefinition header = new TableColumnDefinition();
    header.setName(definition.getName());
    header.setType(definition.getType());
    header.setFormat(definition.getFormat());
    header.setDescription(definition.getDescription() != null ? definition.getDescription()
        : "Custom resource definition column (in JSONPath format): " + definition.getJsonPath());
    header.setPriority(definition.getPriority() == null ? 0 : definition.getPriority());
    return header;
  }

  /** The cell of this column for {@code object}: null where the path finds nothing or a value of another type. */
  Object cell(Map<String, Object> object, Instant now) {
    Object value = path == null ? null : path.get(new Scope().reset(object, now));
    if (value == null) {
      return null;
    }
    return switch (definition.getType()) {
      case "integer" -> value instanceof Number number ? number.longValue() : null;
      case "number" -> value instanceof Number number ? number.doubleValue() : null;
      case "boolean" -> value instanceof Boolean ? value : null;
      case "date" -> value instanceof String text ? age(text, now) : null;
      default -> value instanceof String text ? text : Serialization.asJson(value);
    };
  }

  private static Path parse(String jsonPath) {
    String translated = FILTER.matcher(jsonPath.strip()).replaceAll(match ->
        "[" + match.group(1) + "=\"" + match.group(3).replace("\\", "\\\\").replace("\"", "\\\"") + "\"]");
    try {
      return Path.parse("$" + (translated.startsWith(".") ? "" : ".") + translated);
    } catch (IllegalArgumentException e) {
      // The column stays empty, as the API server leaves a path it cannot read.
      return null;
    }
  }

  private static String age(String timestamp, Instant now) {
    try {
      return Ages.human(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
  }
}
