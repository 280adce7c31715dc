package io.kubestate.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubestate.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The exporter as a user starts it: a separate JVM running the command line, and a kubeconfig for it. */
public final class Exporter {
  private Exporter() {}

  /** A child JVM running {@code kube-state-otel} with these arguments, on the tests' class path. */
  public static ProcessBuilder process(String... args) {
    return process(List.of(), args);
  }

  /** As {@link #process(String...)}, with options for the JVM itself (system properties). */
  public static ProcessBuilder process(List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    if (command.contains("--demo") && command.stream().noneMatch(a -> a.startsWith("--demo-kubeconfig"))) {
      command.addAll(List.of("--demo-kubeconfig", demoKubeconfig().toString()));
    }
    return new ProcessBuilder(command);
  }

  /**
   * Where a demo writes its kubeconfig: the demo removes it when it stops, but not when a test kills
   * it, so the tests' JVM removes it at exit.
   */
  private static Path demoKubeconfig() {
    try {
      Path dir = Files.createTempDirectory("kube-state-otel-test-demo");
      dir.toFile().deleteOnExit();
      Path file = dir.resolve("kubeconfig");
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A kubeconfig pointing at the API mock server behind {@code client}, written into {@code dir}. */
  public static Path kubeconfig(Path dir, KubernetesClient client) throws IOException {
    return Files.writeString(dir.resolve("kubeconfig"), String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: mock, cluster: {server: \"" + client.getConfiguration().getMasterUrl()
            + "\", insecure-skip-tls-verify: true}}]",
        "contexts: [{name: mock, context: {cluster: mock, user: test}}]",
        "users: [{name: test, user: {token: test-token}}]",
        "current-context: mock", ""));
  }
}
