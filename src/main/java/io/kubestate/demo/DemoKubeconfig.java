package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A kubeconfig file through which kubectl reaches a demo cluster, readable by its owner only, and
 * removed on close. The demo's API server authenticates nobody, so the file holds no credentials.
 */
public final class DemoKubeconfig implements AutoCloseable {
  private static final String NAME = "kube-state-otel-demo";

  private final Path file;
  private final Path createdDirectory;

  private DemoKubeconfig(Path file, Path createdDirectory) {
    this.file = file;
    this.createdDirectory = createdDirectory;
  }

  /**
   * Writes the kubeconfig of {@code cluster} to {@code file}, or to a new temporary directory when
   * it is null. An existing file is never overwritten, since it would be removed at the end.
   *
   * @throws FileAlreadyExistsException when {@code file} exists
   */
  public static DemoKubeconfig write(DemoCluster cluster, Path file) throws IOException {
    Path directory = file == null ? Files.createTempDirectory(NAME) : null;
    Path target = file == null ? directory.resolve("kubeconfig") : file;
    try {
      Files.writeString(create(target), Serialization.asYaml(new ConfigBuilder()
          .withApiVersion("v1")
          .withKind("Config")
          .withClusters(new NamedClusterBuilder().withName(NAME)
              .withNewCluster().withServer(cluster.masterUrl()).endCluster().build())
          .withUsers(new NamedAuthInfoBuilder().withName(NAME).withNewUser().endUser().build())
          .withContexts(new NamedContextBuilder().withName(NAME)
              .withNewContext().withCluster(NAME).withUser(NAME).endContext().build())
          .withCurrentContext(NAME)
          .build()));
    } catch (IOException | RuntimeException e) {
      if (directory != null) {
        Files.deleteIfExists(target);
        Files.deleteIfExists(directory);
      }
      throw e;
    }
    return new DemoKubeconfig(target, directory);
  }

  public Path path() {
    return file;
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(file);
      if (createdDirectory != null) {
        Files.deleteIfExists(createdDirectory);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path create(Path target) throws IOException {
    FileAttribute<?>[] ownerOnly = target.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    return Files.createFile(target, ownerOnly);
  }
}
