package io.kubestate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Grafana dashboards under deploy/dashboards: their files, presets, panels and queries. */
final class DashboardFiles {
  static final Path DIRECTORY = Path.of("deploy/dashboards");

  /** A query of a panel, or of a template variable ({@code variable}). */
  record Query(String panel, String expr, boolean variable) {}

  private DashboardFiles() {}

  static List<Path> all() throws IOException {
    try (Stream<Path> s = Files.list(DIRECTORY)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  /** The presets a dashboard is written for, from its tags preset:NAME. */
  static List<String> presets(JsonNode board) {
    List<String> out = new ArrayList<>();
    board.path("tags").forEach(t -> {
      if (t.asText().startsWith("preset:")) {
        out.add(t.asText().substring("preset:".length()));
      }
    });
    return out;
  }

  /** Panels, including those inside collapsed rows. */
  static List<JsonNode> panels(JsonNode board) {
    List<JsonNode> out = new ArrayList<>();
    board.path("panels").forEach(p -> {
      out.add(p);
      p.path("panels").forEach(out::add);
    });
    return out;
  }

  static List<Query> queries(JsonNode board) {
    List<Query> out = new ArrayList<>();
    for (JsonNode panel : panels(board)) {
      panel.path("targets").forEach(t -> {
        if (t.hasNonNull("expr")) {
          out.add(new Query(panel.path("title").asText(), t.path("expr").asText(), false));
        }
      });
    }
    board.path("templating").path("list").forEach(v -> {
      if (v.path("type").asText().equals("query")) {
        JsonNode q = v.path("query");
        String text = q.isObject() ? q.path("query").asText() : q.asText();
        out.add(new Query("variable " + v.path("name").asText(), text, true));
      }
    });
    return out;
  }
}
