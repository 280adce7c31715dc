package io.kubestate.server;

import io.kubestate.config.ResourceConfig;
import io.kubestate.config.Wildcards;
import io.kubestate.expr.WatchTarget;
import io.kubestate.source.ApiRequests;
import io.kubestate.source.InformerSource;
import io.kubestate.source.KindState;
import io.kubestate.source.Sharding;
import io.kubestate.source.WatchStatus;
import io.kubestate.telemetry.CollectionStats;
import io.kubestate.telemetry.SelfMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The exporter's own metrics, in their own instrumentation scope, exported alongside the state
 * metrics: whether each watched kind is up and served, objects and informer events per kind, API
 * requests, collection time, series and problems per family, the kinds each wildcard entry stands
 * for, the state of config reloads and of MetricsConfig resources, and the requests the metrics
 * endpoint refuses.
 */
public final class SelfTelemetry {
  /** The instrumentation scope of the self metrics. */
  public static final String SCOPE = "io.kubestate.self";

  private static final AttributeKey<String> GROUP = AttributeKey.stringKey("group");
  private static final AttributeKey<String> VERSION = AttributeKey.stringKey("version");
  private static final AttributeKey<String> KIND = AttributeKey.stringKey("kind");
  private static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("namespace");
  private static final AttributeKey<String> FAMILY = AttributeKey.stringKey("family");

  private final AtomicReference<Supplier<InformerSource>> source = new AtomicReference<>(() -> null);
  private final AtomicReference<CollectionStats> stats = new AtomicReference<>(new CollectionStats());
  private final ReloadState reload = new ReloadState();
  private final AtomicReference<Supplier<Map<Integer, Long>>> denials = new AtomicReference<>(Map::of);
  private final AtomicReference<Supplier<List<Wildcards.Match>>> wildcards = new AtomicReference<>(List::of);

  /** Whether the last config (re)load worked, and when one last did. */
  public static final class ReloadState {
    private volatile boolean successful = true;
    private volatile double lastSuccessSeconds = System.currentTimeMillis() / 1000.0;

    public void succeeded() {
      successful = true;
      lastSuccessSeconds = System.currentTimeMillis() / 1000.0;
    }

    public void failed() {
      successful = false;
    }

    public boolean successful() {
      return successful;
    }
  }

  private SelfTelemetry() {}

  public static SelfTelemetry register(Meter meter, ApiRequests requests, String version) {
    SelfTelemetry self = new SelfTelemetry();
    SelfMetrics.BUILD_INFO.longGauge(meter)
        .buildWithCallback(m -> m.record(1, Attributes.of(VERSION, version)));
    // The three read the same statuses: taken once per collection, in one callback.
    ObservableLongMeasurement up = SelfMetrics.RESOURCE_UP.longGauge(meter).buildObserver();
    ObservableDoubleMeasurement age = SelfMetrics.WATCH_AGE.doubleGauge(meter).buildObserver();
    ObservableLongMeasurement relists = SelfMetrics.RELISTS.counter(meter).buildObserver();
    meter.batchCallback(() -> {
      InformerSource s = self.source.get().get();
      if (s == null) {
        return;
      }
      for (WatchStatus w : s.statuses()) {
        Attributes watch = Attributes.of(GROUP, w.group(), VERSION, w.version(), KIND, w.kind(),
            NAMESPACE, w.namespace());
        up.record(w.up() ? 1 : 0, watch);
        if (w.sinceContact() != null) {
          age.record(w.sinceContact(), watch);
        }
        w.relists().forEach((reason, n) -> relists.record(n, watch.toBuilder().put("reason", reason).build()));
      }
    }, up, age, relists);
    // Tells a kind whose CustomResourceDefinition is not installed (resource_up 0, and normal for a
    // preset naming an optional project) from one that cannot be watched (resource_up 0, a problem).
    SelfMetrics.RESOURCE_SERVED.longGauge(meter)
        .buildWithCallback(m -> {
          InformerSource s = self.source.get().get();
          if (s != null) {
            s.states().forEach((t, state) -> {
              if (state != KindState.WAITING) {
                m.record(state == KindState.NOT_SERVED ? 0 : 1, Attributes.of(GROUP, t.group(), KIND, t.kind()));
              }
            });
          }
        });
    SelfMetrics.WILDCARD_KINDS.longGauge(meter)
        .buildWithCallback(m -> {
          Map<Attributes, Long> byEntry = new java.util.LinkedHashMap<>();
          for (Wildcards.Match match : self.wildcards.get().get()) {
            ResourceConfig e = match.entry();
            byEntry.merge(Attributes.of(GROUP, e.group(), VERSION, String.join("|", e.versions()), KIND, e.kind()),
                (long) match.kinds(), Long::sum);
          }
          byEntry.forEach((attributes, n) -> m.record(n, attributes));
        });
    SelfMetrics.OBJECTS.upDownCounter(meter)
        .buildWithCallback(m -> {
          InformerSource s = self.source.get().get();
          if (s != null) {
            s.objectCounts().forEach((t, n) -> m.record(n, kind(t)));
          }
        });
    SelfMetrics.EVENTS.counter(meter)
        .buildWithCallback(m -> {
          InformerSource s = self.source.get().get();
          if (s != null) {
            s.events().forEach((t, byType) -> byType.forEach((type, n) -> m.record(n,
                kind(t).toBuilder().put("type", type).build())));
          }
        });
    SelfMetrics.API_REQUESTS.counter(meter)
        .buildWithCallback(m -> requests.counts().forEach((k, n) -> m.record(n, Attributes.builder()
            .put("verb", k.verb()).put("resource", k.resource()).put("code", k.code()).build())));
    DoubleHistogram durations = SelfMetrics.COLLECTION_DURATION.histogram(meter)
        .setExplicitBucketBoundariesAdvice(List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
        .build();
    self.stats.get().onDuration((reader, seconds) -> durations.record(seconds,
        Attributes.of(AttributeKey.stringKey("reader"), reader)));
    SelfMetrics.SERIES.upDownCounter(meter)
        .buildWithCallback(m -> self.stats.get().series().forEach((f, n) -> m.record(n, Attributes.of(FAMILY, f))));
    SelfMetrics.EVALUATION_ERRORS.counter(meter)
        .buildWithCallback(m -> self.stats.get().errors().forEach((k, n) -> m.record(n,
            Attributes.of(FAMILY, k.family(), AttributeKey.stringKey("reason"), k.reason()))));
    SelfMetrics.SERIES_DROPPED.counter(meter)
        .buildWithCallback(m -> self.stats.get().dropped().forEach((f, n) -> m.record(n, Attributes.of(FAMILY, f))));
    SelfMetrics.ATTRIBUTE_TRUNCATIONS.counter(meter)
        .buildWithCallback(m -> self.stats.get().truncated().forEach((f, n) -> m.record(n, Attributes.of(FAMILY, f))));
    SelfMetrics.METRICSCONFIG_SERIES.upDownCounter(meter)
        .buildWithCallback(m -> self.stats.get().ownerSeries().forEach((o, n) -> m.record(n,
            Attributes.of(NAMESPACE, o.namespace(), AttributeKey.stringKey("name"), o.name()))));
    SelfMetrics.METRICSCONFIG_SERIES_DROPPED.counter(meter)
        .buildWithCallback(m -> self.stats.get().limited().forEach((o, n) -> m.record(n,
            Attributes.of(NAMESPACE, o.namespace(), AttributeKey.stringKey("name"), o.name()))));
    SelfMetrics.METRICSCONFIG_READY.longGauge(meter)
        .buildWithCallback(m -> self.stats.get().ownerStatuses().forEach((o, status) -> m.record(
            status.ready() ? 1 : 0, Attributes.of(NAMESPACE, o.namespace(), AttributeKey.stringKey("name"), o.name(),
                AttributeKey.stringKey("reason"), status.reason()))));
    SelfMetrics.SCRAPES_DENIED.counter(meter)
        .buildWithCallback(m -> self.denials.get().get().forEach((status, n) -> m.record(n,
            Attributes.of(AttributeKey.stringKey("code"), Integer.toString(status)))));
    SelfMetrics.CONFIG_RELOAD_SUCCESSFUL.longGauge(meter)
        .buildWithCallback(m -> m.record(self.reload.successful ? 1 : 0));
    SelfMetrics.CONFIG_RELOAD_SUCCESS_TIMESTAMP.doubleGauge(meter)
        .buildWithCallback(m -> m.record(self.reload.lastSuccessSeconds));
    return self;
  }

  /**
   * kube-state-metrics' self-metrics of the same names: dashboards tell the shards apart by them,
   * and the total says how many partial counts of an aggregated family to expect.
   */
  public static void registerSharding(Meter meter, Sharding sharding) {
    SelfMetrics.SHARD_ORDINAL.longGauge(meter).buildWithCallback(m -> m.record(sharding.shard()));
    SelfMetrics.TOTAL_SHARDS.longGauge(meter).buildWithCallback(m -> m.record(sharding.total()));
  }

  private static Attributes kind(WatchTarget t) {
    return Attributes.of(GROUP, t.group(), KIND, t.kind());
  }

  /** The source to report on; set again when a reload replaces it. */
  public void source(Supplier<InformerSource> current) {
    source.set(current);
  }

  /** The stats the state metrics report into; the histogram follows them. */
  public CollectionStats stats() {
    return stats.get();
  }

  /** The metrics endpoint's refusals, by HTTP status, when it authorizes its readers. */
  public void denials(Supplier<Map<Integer, Long>> counts) {
    denials.set(counts);
  }

  /** How many kinds each wildcard entry of the exporter's own config stands for now. */
  public void wildcards(Supplier<List<Wildcards.Match>> matches) {
    wildcards.set(matches);
  }

  public ReloadState reload() {
    return reload;
  }
}
