package io.kubestate.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The built-in presets: config files shipped under {@code presets/} on the class path. */
public final class Presets {
  private static final String DIR = "presets";

  /** A preset's name and the one-line description written at the top of its file. */
  public record Preset(String name, String description) {}

  private Presets() {}

  public static List<Preset> list() {
    return names().stream().map(n -> new Preset(n, description(n))).toList();
  }

  public static boolean exists(String name) {
    return Presets.class.getClassLoader().getResource(DIR + "/" + name + ".yaml") != null;
  }

  /** How a preset appears in messages, in place of a file name. */
  public static String source(String name) {
    return "preset:" + name;
  }

  public static String text(String name) {
    InputStream in = Presets.class.getClassLoader().getResourceAsStream(DIR + "/" + name + ".yaml");
    if (in == null) {
      throw new ConfigException(Position.of(source(name)),
          "unknown preset \"" + name + "\"; available: " + String.join(", ", names()));
    }
    try {
      return ConfigLoader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<String> names() {
    URL url = Presets.class.getClassLoader().getResource(DIR);
    if (url == null) {
      return List.of();
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        FileSystem fs;
        try {
          fs = FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
          fs = FileSystems.newFileSystem(uri, Map.of());
        }
        return names(fs.getPath(DIR));
      }
      return names(Path.of(uri));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".yaml"))
          .map(n -> n.substring(0, n.length() - ".yaml".length()))
          .sorted()
          .toList();
    }
  }

  private static String description(String name) {
    for (Node doc : YamlReader.readAll(source(name), text(name))) {
      if (doc instanceof Node.Mapping m && m.entries().get("description") != null) {
        return String.valueOf(m.entries().get("description").value().toPlain()).strip();
      }
    }
    return "";
  }
}
