package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code render} of each preset over its example objects, compared with the committed exposition.
 * After an intended change, regenerate with {@code mvn test -Dtest=RenderGoldenTest -Dgolden.update=true}
 * and review the diff.
 */
class RenderGoldenTest {
  private static final Path OBJECTS = Path.of("src/test/resources/objects");
  private static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final String NOW = "2026-08-24T14:00:00Z";

  @ParameterizedTest
  @ValueSource(strings = {"tekton", "kueue", "gateway-api", "argocd", "tap", "cartographer", "knative", "carvel", "flux",
      "kpack", "servicebinding"})
  void presetRendersItsObjectsExactlyAsCommitted(String preset) throws IOException {
    List<String> args = new ArrayList<>(List.of("render", "--preset", preset, "--now", NOW));
    args.addAll(objectFiles(preset));
    CliRunner.Result result = CliRunner.run(args.toArray(new String[0]));
    assertThat(result.exitCode()).as(result.err()).isZero();

    Path golden = GOLDEN.resolve(preset + ".prom");
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, result.out(), StandardCharsets.UTF_8);
    }
    assertThat(result.out()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  static List<String> objectFiles(String preset) throws IOException {
    List<String> files = new ArrayList<>();
    for (Path dir : List.of(OBJECTS.resolve(preset), OBJECTS.resolve("edge"))) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().startsWith(preset)).sorted().forEach(p -> files.add(p.toString()));
      }
    }
    return files;
  }
}
