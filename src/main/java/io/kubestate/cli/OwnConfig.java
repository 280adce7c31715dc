package io.kubestate.cli;

import io.kubestate.config.ConfigException;
import io.kubestate.config.ServedKind;
import io.kubestate.config.Wildcards;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.ScopedConfig;
import io.kubestate.source.InformerSource;
import io.kubestate.telemetry.StateMetrics;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The exporter's own config as it runs: watched by the source and measured by its state metrics,
 * both swapped together when the files are reloaded and whenever the kinds a wildcard entry
 * stands for change (a CustomResourceDefinition of its group installed, changed or deleted).
 */
final class OwnConfig implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(OwnConfig.class.getName());

  private final InformerSource source;
  private final Function<CompiledConfig, StateMetrics> register;
  private final Consumer<CompiledConfig> swapped;
  private final Object lock = new Object();
  private volatile CompiledConfig current;
  private StateMetrics metrics;
  private List<ScopedConfig> tenants = List.of();
  private List<ServedKind> served = List.of();

  /**
   * @param register the state metrics of a config, registered
   * @param swapped told of each config swapped in, after the swap
   */
  OwnConfig(InformerSource source, CompiledConfig initial, Function<CompiledConfig, StateMetrics> register,
      Consumer<CompiledConfig> swapped) {
    this.source = source;
    this.register = register;
    this.swapped = swapped;
    this.current = initial;
    this.metrics = register.apply(initial);
    source.followKinds(initial.wildcardGroups(), this::kindsChanged);
  }

  CompiledConfig current() {
    return current;
  }

  /**
   * Swaps in a reloaded config, its wildcard entries resolved to the kinds served now.
   *
   * @throws ConfigException when those kinds make a config that does not compile; nothing changes then
   */
  void reload(CompiledConfig next) {
    CompiledConfig resolved;
    synchronized (lock) {
      resolved = next.resolve(served);
      swap(resolved);
    }
    source.followKinds(next.wildcardGroups(), this::kindsChanged);
    swapped.accept(resolved);
  }

  /** Watches the own kinds and those of the accepted MetricsConfig resources. */
  void tenants(List<ScopedConfig> accepted) {
    synchronized (lock) {
      tenants = List.copyOf(accepted);
      source.replaceTargets(current, tenants);
    }
  }

  private void kindsChanged(List<ServedKind> kinds) {
    CompiledConfig next;
    synchronized (lock) {
      // The current config is always resolved to the kinds last told.
      if (kinds.equals(served)) {
        return;
      }
      served = kinds;
      if (!current.hasWildcards()) {
        return;
      }
      try {
        next = current.resolve(kinds);
      } catch (ConfigException e) {
        logger.warning("the kinds served now make the wildcard entries fail; the previous kinds keep serving:\n"
            + e.getMessage());
        return;
      }
      logger.info("wildcard entries resolved: " + next.wildcards().stream()
          .map(m -> m.entry().pattern() + " to " + m.kinds() + " kind(s)").collect(Collectors.joining(", ")));
      swap(next);
    }
    swapped.accept(next);
  }

  private void swap(CompiledConfig next) {
    current = next;
    source.replaceTargets(next, tenants);
    StateMetrics old = metrics;
    metrics = register.apply(next);
    old.close();
  }

  /** How many kinds each wildcard entry matched, for the self-metric. */
  List<Wildcards.Match> wildcards() {
    return current.wildcards();
  }

  @Override
  public void close() {
    synchronized (lock) {
      metrics.close();
    }
  }
}
