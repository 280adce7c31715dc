package io.kubestate.cli;

import io.kubestate.config.MetricsConfig;
import io.kubestate.config.Position;
import io.kubestate.config.Problem;
import io.kubestate.config.Problems;
import io.kubestate.config.ResourceConfig;
import io.kubestate.config.ResourceSpec;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.CompiledFamily;
import io.kubestate.expr.Compiler;
import io.kubestate.expr.FamilyClaims;
import io.kubestate.expr.KindMetrics;
import io.kubestate.expr.ScopedConfig;
import io.kubestate.expr.WatchTarget;
import io.kubestate.source.ConfigResource;
import io.kubestate.source.ConfigResources;
import io.kubestate.source.LabelSelector;
import io.kubestate.telemetry.CollectionStats;
import io.kubestate.telemetry.SeriesLimit;
import io.kubestate.telemetry.StateMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The configs teams write themselves as MetricsConfig resources, each measuring only the objects
 * of its own namespace. On every change of one of them, or of the exporter's own config, the
 * whole set is considered again, those measured already and unchanged first, then in order of
 * creation: a resource that does not parse, compile, fit its limits or own its names is refused and
 * its status says why; the others are measured. Resources whose spec did not change keep their
 * instruments, and the watches of kinds that stay are kept (see
 * {@link io.kubestate.source.InformerSource#replaceTargets(CompiledConfig, List)}).
 */
final class TenantConfigs implements ConfigResources.Listener, AutoCloseable {
  /** Every series of a resource carries its namespace under this key, whatever its families say. */
  static final String NAMESPACE_ATTRIBUTE = "k8s.namespace.name";
  private static final Set<String> ADDED = Set.of(NAMESPACE_ATTRIBUTE);
  private static final String SELF_METRICS = "kube_state_otel";
  private static final Logger logger = Logger.getLogger(TenantConfigs.class.getName());

  /** What the run path does for the accepted configs. */
  interface Host {
    /** The exporter's own config, as it is now. */
    CompiledConfig own();

    /** Watches the kinds of the exporter's own config and of these. */
    void watch(List<ScopedConfig> accepted);

    StateMetrics register(ScopedConfig config, StateMetrics.Scope scope);

    /** Whether the API serves a kind namespaced; null when it cannot be told. */
    Boolean namespaced(WatchTarget target);

    /** Whether the API is known not to serve a kind (its CustomResourceDefinition is not installed). */
    boolean notServed(WatchTarget target);

    /** Whether it was written. */
    boolean writeStatus(ConfigResource resource, Map<String, Object> status);
  }

  /** @param families families per resource; @param series series per resource at one collection */
  record Limits(int families, int series) {}

  /** A spec read and compiled once, kept while the spec stays the same. */
  private record Evaluation(Object spec, ScopedConfig config, ConfigResourceStatus refusal, List<Problem> warnings) {}

  private record Running(Evaluation evaluation, StateMetrics metrics, SeriesLimit limit) {}

  private final Host host;
  private final Limits limits;
  private final CollectionStats stats;
  private final Clock clock;
  private final Map<String, ConfigResource> resources = new HashMap<>();
  private final Map<String, Evaluation> evaluations = new HashMap<>();
  private final Map<String, Running> running = new LinkedHashMap<>();
  private final Map<String, ConfigResourceStatus> outcomes = new HashMap<>();
  /** Resources added or whose spec changed since they were last considered: "added" or "changed". */
  private final Map<String, String> news = new HashMap<>();
  private final Map<String, Map<String, Object>> written = new HashMap<>();
  private volatile List<ScopedConfig> accepted = List.of();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "metricsconfigs");
    t.setDaemon(true);
    return t;
  });

  TenantConfigs(Host host, Limits limits, CollectionStats stats, Clock clock) {
    this.host = host;
    this.limits = limits;
    this.stats = stats;
    this.clock = clock;
  }

  /** Checks every so often whether a resource went over or back under its series limit. */
  void start(Duration period) {
    executor.scheduleWithFixedDelay(() -> guarded(this::writeStatuses), period.toMillis(), period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The configs measured now. */
  List<ScopedConfig> accepted() {
    return accepted;
  }

  @Override
  public void changed(ConfigResource resource) {
    executor.execute(() -> {
      ConfigResource before = resources.put(resource.key(), resource);
      // Status writes come back as changes too; only a new generation is a change of the spec.
      if (before == null) {
        news.put(resource.key(), "added");
      } else if (before.generation() != resource.generation()) {
        news.putIfAbsent(resource.key(), "changed");
      }
      reconsider();
    });
  }

  @Override
  public void deleted(ConfigResource resource) {
    executor.execute(() -> {
      if (resources.remove(resource.key()) != null) {
        logger.info("MetricsConfig " + resource.key() + " deleted: its families are no longer measured");
      }
      news.remove(resource.key());
      stats.forgetStatus(owner(resource.key()));
      evaluations.remove(resource.key());
      outcomes.remove(resource.key());
      written.remove(resource.key());
      reconsider();
    });
  }

  /** The exporter's own config changed: its names may now collide with a resource's. */
  void ownConfigChanged() {
    executor.execute(this::reconsider);
  }

  private void reconsider() {
    guarded(this::reconsiderAll);
  }

  /** A failure is logged and the next event or check tries again; it never stops the executor. */
  private static void guarded(Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      logger.log(java.util.logging.Level.WARNING, "cannot apply the MetricsConfig resources", e);
    }
  }

  private void reconsiderAll() {
    FamilyClaims claims = new FamilyClaims();
    claims.claimAll(host.own(), "the exporter's own config");
    List<ConfigResource> ordered = new ArrayList<>(resources.values());
    // Those measured already, unchanged, keep their names; then the older first: a name stays with
    // whoever had it, and a change of one resource never takes names from another.
    Set<String> incumbent = new java.util.HashSet<>();
    for (ConfigResource r : ordered) {
      Running run = running.get(r.key());
      if (run != null && run.evaluation() == evaluation(r)) {
        incumbent.add(r.key());
      }
    }
    ordered.sort(Comparator.comparing((ConfigResource r) -> !incumbent.contains(r.key()))
        .thenComparing(r -> Objects.toString(r.created(), "")).thenComparing(ConfigResource::key));
    Map<String, Evaluation> next = new LinkedHashMap<>();
    for (ConfigResource r : ordered) {
      Evaluation e = evaluation(r);
      ConfigResourceStatus refusal = e.refusal();
      if (refusal == null) {
        String owner = "MetricsConfig " + r.key();
        List<Problem> conflicts = claims.check(e.config(), owner, ADDED);
        if (conflicts.isEmpty()) {
          claims.claim(e.config(), owner, ADDED);
          next.put(r.key(), e);
        } else {
          refusal = refused("NameConflict", conflicts, e);
        }
      }
      int families = refusal != null ? 0 : e.config().config().familyCount();
      ConfigResourceStatus outcome = refusal != null ? refusal : new ConfigResourceStatus(true, "Accepted",
          "measuring " + families(families) + " on the objects of namespace " + r.namespace(), e.warnings(), families);
      ConfigResourceStatus before = outcomes.put(r.key(), outcome);
      String change = news.remove(r.key());
      if (change != null || !outcome.equals(before)) {
        log(r, change, outcome);
      }
    }
    apply(next);
    writeStatuses();
  }

  /** @param change "added", "changed", or null when only the outcome changed (a name freed by another) */
  private static void log(ConfigResource r, String change, ConfigResourceStatus outcome) {
    StringBuilder text = new StringBuilder("MetricsConfig " + r.key() + (change == null ? "" : " " + change) + ": "
        + outcome.message());
    outcome.problems().forEach(p -> text.append("\n  ").append(p));
    if (outcome.ready()) {
      logger.info(text.toString());
    } else {
      logger.warning(text.toString());
    }
  }

  /** Starts measuring what is newly accepted and stops what is not any more, leaving the rest running. */
  private void apply(Map<String, Evaluation> next) {
    accepted = next.values().stream().map(Evaluation::config).toList();
    host.watch(accepted);
    for (var it = running.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      Evaluation now = next.get(e.getKey());
      if (now != e.getValue().evaluation()) {
        e.getValue().metrics().close();
        stats.forget(owner(e.getKey()));
        it.remove();
      }
    }
    next.forEach((key, e) -> running.computeIfAbsent(key, k -> {
      SeriesLimit limit = new SeriesLimit(limits.series());
      StateMetrics.Scope scope = new StateMetrics.Scope(owner(key),
          Attributes.of(AttributeKey.stringKey(NAMESPACE_ATTRIBUTE), e.config().namespace()), limit);
      return new Running(e, host.register(e.config(), scope), limit);
    }));
  }

  private CollectionStats.Owner owner(String key) {
    ConfigResource r = resources.get(key);
    int slash = key.indexOf('/');
    return r != null ? new CollectionStats.Owner(r.namespace(), r.name())
        : new CollectionStats.Owner(key.substring(0, slash), key.substring(slash + 1));
  }

  /** Writes each status that differs from the one the resource has. */
  private void writeStatuses() {
    for (ConfigResource r : resources.values()) {
      ConfigResourceStatus outcome = outcomes.get(r.key());
      if (outcome == null) {
        continue;
      }
      Running run = running.get(r.key());
      List<String> missing = run == null ? List.of() : run.evaluation().config().config().kinds().stream()
          .map(k -> k.target()).filter(host::notServed).map(WatchTarget::toString).toList();
      if (!missing.isEmpty()) {
        outcome = new ConfigResourceStatus(true, outcome.reason(), outcome.message() + "; not served by the API (is"
            + " its CustomResourceDefinition installed?): " + String.join(", ", missing), outcome.problems(),
            outcome.families());
      }
      if (run != null && run.limit().exceeded()) {
        outcome = new ConfigResourceStatus(false, "SeriesLimitExceeded", "measuring " + families(outcome.families())
            + ", but they produce " + run.limit().produced() + " series, above the limit of "
            + run.limit().limit() + " per MetricsConfig: the excess is not exported (counted in"
            + " kube_state_otel_metricsconfig_series_dropped_total)", outcome.problems(), outcome.families());
      }
      stats.status(owner(r.key()), new CollectionStats.OwnerStatus(outcome.ready(), outcome.reason()));
      Map<String, Object> status = outcome.toMap(r, written.get(r.key()), clock.instant());
      // Written once per change: should the API return it altered, writing it again would not end.
      if (!StatusComparison.same(status, r.status()) && !StatusComparison.same(status, written.get(r.key()))
          && host.writeStatus(r, status)) {
        written.put(r.key(), status);
      }
    }
  }

  private Evaluation evaluation(ConfigResource r) {
    Evaluation known = evaluations.get(r.key());
    if (known != null && Objects.equals(known.spec(), r.spec())) {
      return known;
    }
    Evaluation e = evaluate(r);
    evaluations.put(r.key(), e);
    return e;
  }

  /** Every problem of every stage at once: parse, compile, the kinds and names it may use, its limit. */
  private Evaluation evaluate(ConfigResource r) {
    Problems problems = new Problems();
    MetricsConfig config = ResourceSpec.parse(r.spec(), problems);
    CompiledConfig compiled = Compiler.compile(config, problems);
    for (ResourceConfig resource : config.resources()) {
      if (resource.labelSelector() != null) {
        try {
          LabelSelector.parse(resource.labelSelector());
        } catch (RuntimeException e) {
          problems.add(resource.position(), "invalid labelSelector \"" + resource.labelSelector() + "\": "
              + e.getMessage());
        }
      }
      if (resource.complete() && Boolean.FALSE.equals(host.namespaced(WatchTarget.of(resource)))) {
        problems.add(resource.position(), resource.groupKind() + " is cluster-scoped: a MetricsConfig measures only"
            + " objects of its own namespace");
      }
    }
    for (KindMetrics kind : compiled.kinds()) {
      for (CompiledFamily f : kind.families()) {
        if (f.name().startsWith(SELF_METRICS)) {
          problems.add(f.position(), "family \"" + f.name() + "\": names under " + SELF_METRICS
              + " are the exporter's own metrics");
        }
      }
    }
    boolean invalid = problems.hasErrors();
    if (config.familyCount() > limits.families()) {
      problems.add(Position.of(ResourceSpec.ROOT), config.familyCount() + " families, above the limit of "
          + limits.families() + " per MetricsConfig");
    }
    if (problems.hasErrors()) {
      return refusal(r, invalid ? "Invalid" : "LimitExceeded", problems.list());
    }
    return new Evaluation(r.spec(), new ScopedConfig(r.namespace(), compiled), null, problems.warnings());
  }

  private static Evaluation refusal(ConfigResource r, String reason, List<Problem> problems) {
    return new Evaluation(r.spec(), null, refused(reason, problems, null), List.of());
  }

  private static ConfigResourceStatus refused(String reason, List<Problem> problems, Evaluation e) {
    List<Problem> all = new ArrayList<>(problems);
    if (e != null) {
      all.addAll(e.warnings());
      all.sort(Problem.BY_POSITION);
    }
    long errors = problems.stream().filter(p -> !p.warning()).count();
    Problem first = problems.stream().filter(p -> !p.warning()).findFirst().orElse(problems.get(0));
    return new ConfigResourceStatus(false, reason, "not measured: " + first + (errors > 1 ? " (and " + (errors - 1)
        + " more)" : ""), all, 0);
  }

  private static String families(int n) {
    return n + (n == 1 ? " family" : " families");
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running.values().forEach(r -> r.metrics().close());
    running.clear();
  }
}
