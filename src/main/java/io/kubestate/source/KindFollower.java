package io.kubestate.source;

import io.kubestate.config.ServedKind;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Tells whoever follows some groups the kinds their CustomResourceDefinitions define, again each
 * time that changes. Definitions arrive one event each (hundreds when the watch first lists), so
 * the kinds are read once the events have paused for a moment, not once per event. Runs on the
 * thread of {@code scheduler}.
 */
final class KindFollower {
  /** Long enough to take the first list of definitions in one go, short against "within seconds". */
  static final long SETTLE_MILLIS = 300;

  private final ScheduledExecutorService scheduler;
  private final Supplier<DefinitionWatch> definitions;
  private Set<String> groups = Set.of();
  private Consumer<List<ServedKind>> listener;
  private List<ServedKind> told;
  private ScheduledFuture<?> pending;
  /** False from a follow until its groups' kinds were told from a full list of the definitions. */
  private volatile boolean settled = true;

  KindFollower(ScheduledExecutorService scheduler, Supplier<DefinitionWatch> definitions) {
    this.scheduler = scheduler;
    this.definitions = definitions;
  }

  /** From now on follows these groups; {@code listener} is told their kinds now, and at each change. */
  void follow(Set<String> groups, Consumer<List<ServedKind>> listener) {
    scheduler.execute(() -> {
      this.groups = Set.copyOf(groups);
      this.listener = listener;
      told = null;
      settled = groups.isEmpty();
      read();
    });
  }

  /**
   * Whether the followed groups' kinds were told from a full list of the definitions, and what
   * the listener did with them (swap in a config, whose kinds then start) is under way: until
   * then the exporter is not ready, as it would be without the wildcard's kinds.
   */
  boolean settled() {
    return settled;
  }

  /** A definition of the group changed: its kinds are read after the next pause. */
  void changed(String group) {
    if (listener != null && groups.contains(group)) {
      readLater();
    }
  }

  private void readLater() {
    if (pending == null || pending.isDone()) {
      pending = scheduler.schedule(this::read, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void read() {
    DefinitionWatch watch = definitions.get();
    if (listener == null) {
      return;
    }
    if (watch == null || !watch.settled()) {
      // The definitions are still being listed: the kinds of those listed so far would be some of them.
      readLater();
      return;
    }
    List<ServedKind> now = ServedKinds.ofDefinitions(watch.definitions(), groups);
    if (!now.equals(told)) {
      told = now;
      listener.accept(now);
    }
    if (!settled) {
      // Queued behind whatever the listener queued on this thread (the kinds it starts).
      scheduler.execute(() -> settled = true);
    }
  }
}
