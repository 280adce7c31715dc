package io.kubestate.cli;

import io.kubestate.config.ConfigException;
import io.kubestate.config.Problem;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Compiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Applies config file changes without a restart. Files are compared by content, not by
 * modification events, so the symlink swap of a mounted ConfigMap (which changes no file the
 * config names, only where its link points) is seen like an edit. A config that does not load or
 * compile is rejected as a whole; the running one keeps serving.
 */
final class ConfigReloader implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(ConfigReloader.class.getName());

  private final List<String> presets;
  private final List<Path> files;
  private final Consumer<CompiledConfig> apply;
  private final Consumer<List<Problem>> reject;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "config-reload");
    t.setDaemon(true);
    return t;
  });
  private byte[] applied;

  ConfigReloader(List<String> presets, List<Path> files, Consumer<CompiledConfig> apply,
      Consumer<List<Problem>> reject) {
    this.presets = List.copyOf(presets);
    this.files = List.copyOf(files);
    this.apply = apply;
    this.reject = reject;
    this.applied = digest();
  }

  void start(Duration period) {
    if (!files.isEmpty()) {
      scheduler.scheduleWithFixedDelay(this::check, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Reloads when the files' contents changed since the last attempt. */
  synchronized void check() {
    byte[] now = digest();
    if (Arrays.equals(now, applied)) {
      return;
    }
    applied = now;
    try {
      CompiledConfig compiled = Compiler.load(presets, files);
      logger.info("config changed: applying " + compiled.kinds().size() + " kind(s), " + compiled.familyCount()
          + " families");
      apply.accept(compiled);
    } catch (ConfigException e) {
      logger.warning("config changed but was rejected; the previous config keeps serving:\n" + e.getMessage());
      reject.accept(e.problems());
    } catch (RuntimeException e) {
      logger.warning("config changed but could not be applied; the previous config keeps serving: " + e);
      reject.accept(List.of());
    }
  }

  private byte[] digest() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Path f : files) {
        md.update(f.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
          md.update(Files.readAllBytes(f));
        } catch (IOException e) {
          md.update((byte) 0);
        }
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
