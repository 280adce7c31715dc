package io.kubestate.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Programs the tests run as they are installed on the machine (kubectl, prometheus, promtool).
 * In CI a missing one fails the test, so that a green run never hides a check that did not run;
 * on a developer's machine the test is skipped with the command that installs it.
 */
public final class ExternalTools {
  /** What a program printed, and its exit code. */
  public record Result(int exitCode, String stdout, String stderr) {}

  private ExternalTools() {}

  /** The program's path, or fails (CI) or aborts (elsewhere) the test saying how to install it. */
  public static Path require(String program, String debianPackage) {
    Path found = find(program);
    if (found != null) {
      return found;
    }
    String message = program + " is not installed: apt-get install -y " + debianPackage + " (.ci/run does)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static Path find(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }

  /** Runs a command to completion, feeding it {@code stdin} (or nothing), within {@code timeout}. */
  public static Result run(List<String> command, String stdin, Duration timeout) {
    try {
      Path out = Files.createTempFile("tool", ".out");
      Path err = Files.createTempFile("tool", ".err");
      try {
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (var in = p.getOutputStream()) {
          if (stdin != null) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
          }
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          fail(String.join(" ", command) + " did not finish within " + timeout);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
