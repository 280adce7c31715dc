package io.kubestate.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The image's exec-form ENTRYPOINT, as the Dockerfile writes it: how the exporter's JVM starts. */
public final class DockerfileEntrypoint {
  private DockerfileEntrypoint() {}

  /** The words of the one {@code ENTRYPOINT [...]} of {@code lines}. */
  public static List<String> words(List<String> lines) {
    List<String> found = lines.stream().filter(l -> l.startsWith("ENTRYPOINT ")).toList();
    if (found.size() != 1) {
      throw new IllegalStateException("expected one ENTRYPOINT in the Dockerfile, found " + found.size());
    }
    Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(found.get(0));
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The JVM flags: the words between {@code java} and {@code -jar}. */
  public static List<String> jvmFlags(Path dockerfile) throws IOException {
    List<String> words = words(Files.readAllLines(dockerfile, StandardCharsets.UTF_8));
    int jar = words.indexOf("-jar");
    if (words.isEmpty() || !words.get(0).equals("java") || jar < 0) {
      throw new IllegalStateException(dockerfile + " has no ENTRYPOINT [\"java\", ..., \"-jar\", ...]");
    }
    return List.copyOf(words.subList(1, jar));
  }
}
