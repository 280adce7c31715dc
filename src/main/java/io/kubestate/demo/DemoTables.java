package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PartialObjectMetadata;
import io.fabric8.kubernetes.api.model.Table;
import io.fabric8.kubernetes.api.model.TableColumnDefinition;
import io.fabric8.kubernetes.api.model.TableRow;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.runtime.RawExtension;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Custom resources as the tables kubectl asks for ({@code Accept: ...;as=Table}): the name, then
 * the version's printer columns. Without them kubectl shows only names and ages, whatever the
 * definition says.
 */
final class DemoTables {
  private static final Pattern RESOURCE =
      Pattern.compile("/apis/([^/]+)/([^/]+)/(?:namespaces/[^/]+/)?([^/]+)(?:/[^/]+)?");
  private static final TableColumnDefinition NAME = nameHeader();

  private final Clock clock;

  DemoTables(Clock clock) {
    this.clock = clock;
  }

  /** Whether the request reads custom resources and asks for a table. */
  static boolean asked(RecordedRequest request) {
    String accept = request.getHeader("Accept");
    return request.method() == HttpMethod.GET && accept != null && accept.contains("as=Table")
        && !query(request.getPath()).contains("watch=true");
  }

  /** The columns of the kind read at {@code path}, or null when no definition serves it. */
  static List<PrinterColumn> columns(String path, Collection<CustomResourceDefinition> definitions) {
    Matcher matcher = RESOURCE.matcher(withoutQuery(path));
    if (!matcher.matches()) {
      return null;
    }
    for (CustomResourceDefinition definition : definitions) {
      if (definition.getSpec().getGroup().equals(matcher.group(1))
          && definition.getSpec().getNames().getPlural().equals(matcher.group(3))) {
        for (CustomResourceDefinitionVersion version : definition.getSpec().getVersions()) {
          if (version.getName().equals(matcher.group(2))) {
            return PrinterColumn.of(version.getAdditionalPrinterColumns());
          }
        }
      }
    }
    return null;
  }

  /** The table of an object or a list of them, read from the store's answer {@code body}. */
  @SuppressWarnings("unchecked")
  String table(String body, List<PrinterColumn> columns, String path) {
    Map<String, Object> read = Serialization.unmarshal(body, Map.class);
    List<Map<String, Object>> objects = read.get("items") instanceof List<?> items
        ? (List<Map<String, Object>>) items
        : List.of(read);
    Instant now = clock.instant();
    String includeObject = parameter(path, "includeObject");
    List<TableRow> rows = new ArrayList<>();
    for (Map<String, Object> object : objects) {
      ObjectMeta metadata = Serialization.unmarshal(Serialization.asJson(object.get("metadata")), ObjectMeta.class);
      List<Object> cells = new ArrayList<>();
      cells.add(metadata.getName());
      columns.forEach(column -> cells.add(column.cell(object, now)));
      TableRow row = new TableRow();
      row.setCells(cells);
      row.setObject(switch (includeObject == null ? "Metadata" : includeObject) {
        case "None" -> null;
        case "Object" -> new RawExtension(object);
        default -> new RawExtension(partial(metadata));
      });
      rows.add(row);
    }
    Table table = new Table();
    table.setApiVersion("meta.k8s.io/v1");
    table.setKind("Table");
    ListMeta listMeta = new ListMeta();
    if (read.get("metadata") instanceof Map<?, ?> meta && meta.get("resourceVersion") instanceof String version) {
      listMeta.setResourceVersion(version);
    }
    table.setMetadata(listMeta);
    List<TableColumnDefinition> headers = new ArrayList<>();
    headers.add(NAME);
    columns.forEach(column -> headers.add(column.header()));
    table.setColumnDefinitions(headers);
    table.setRows(rows);
    return Serialization.asJson(table);
  }

  private static PartialObjectMetadata partial(ObjectMeta metadata) {
    PartialObjectMetadata partial = new PartialObjectMetadata();
    partial.setApiVersion("meta.k8s.io/v1");
    partial.setKind("PartialObjectMetadata");
    partial.setMetadata(metadata);
    return partial;
  }

  private static TableColumnDefinition nameHeader() {
    TableColumnDefinition name = new TableColumnDefinition();
    name.setName("Name");
    name.setType("string");
    name.setFormat("name");
    name.setDescription("Name must be unique within a namespace.");
    name.setPriority(0);
    return name;
  }

  private static String parameter(String path, String name) {
    for (String pair : query(path).split("&")) {
      if (pair.startsWith(name + "=")) {
        return pair.substring(name.length() + 1);
      }
    }
    return null;
  }

  private static String query(String path) {
    int query = path.indexOf('?');
    return query < 0 ? "" : path.substring(query + 1);
  }

  static String withoutQuery(String path) {
    int query = path.indexOf('?');
    return query < 0 ? path : path.substring(0, query);
  }
}
