package io.kubestate.server;

import io.kubestate.config.ResourceConfig;
import io.kubestate.config.Wildcards;
import io.kubestate.expr.WatchTarget;
import io.kubestate.source.ApiRequests;
import io.kubestate.source.InformerSource;
import io.kubestate.source.KindState;
import io.kubestate.source.WatchStatus;
import io.kubestate.telemetry.CollectionStats;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
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
    meter.gaugeBuilder("kube_state_otel.build.info").ofLongs()
        .setDescription("The running version of kube-state-otel; always 1.")
        .buildWithCallback(m -> m.record(1, Attributes.of(VERSION, version)));
    meter.gaugeBuilder("kube_state_otel.resource.up").ofLongs()
        .setDescription("1 when the watch of a kind (in a namespace, or cluster-wide) has listed and is watching, or"
            + " was within the last few seconds while a watch the API server ended opens again; 0 while it is down.")
        .buildWithCallback(m -> {
          InformerSource s = self.source.get().get();
          if (s != null) {
            for (WatchStatus w : s.statuses()) {
              m.record(w.up() ? 1 : 0, Attributes.of(GROUP, w.group(), VERSION, w.version(), KIND, w.kind(),
                  NAMESPACE, w.namespace()));
            }
          }
        });
    meter.gaugeBuilder("kube_state_otel.watch.age").setUnit("s")
        .setDescription("Seconds since the watch of a kind (in a namespace, or cluster-wide) last received an event"
            + " or a bookmark, or listed; grows while the watch is down, or while nothing changes and the API server"
            + " sends no bookmarks.")
        .buildWithCallback(m -> {
          InformerSource s = self.source.get().get();
          if (s != null) {
            for (WatchStatus w : s.statuses()) {
              if (w.sinceContact() != null) {
                m.record(w.sinceContact(), Attributes.of(GROUP, w.group(), VERSION, w.version(), KIND, w.kind(),
                    NAMESPACE, w.namespace()));
              }
            }
          }
        });
    meter.counterBuilder("kube_state_otel.relists").setUnit("{list}")
        .setDescription("Full lists of a kind after its first, by reason: expired (the API server answered 410 Gone"
            + " to a watch) or config (the families read fields the cache lacks).")
        .buildWithCallback(m -> {
          InformerSource s = self.source.get().get();
          if (s != null) {
            for (WatchStatus w : s.statuses()) {
              w.relists().forEach((reason, n) -> m.record(n, Attributes.builder().put(GROUP, w.group())
                  .put(VERSION, w.version()).put(KIND, w.kind()).put(NAMESPACE, w.namespace())
                  .put("reason", reason).build()));
            }
          }
        });
    // Tells a kind whose CustomResourceDefinition is not installed (resource_up 0, and normal for a
    // preset naming an optional project) from one that cannot be watched (resource_up 0, a problem).
    meter.gaugeBuilder("kube_state_otel.resource.served").ofLongs()
        .setDescription("1 when the API serves one of a kind's versions, 0 when it serves none (its"
            + " CustomResourceDefinition is not installed); absent while the API cannot be asked.")
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
    meter.gaugeBuilder("kube_state_otel.wildcard.kinds").ofLongs().setUnit("{kind}")
        .setDescription("Kinds a wildcard entry (version or kind \"*\") stands for now, by the entry's group,"
            + " version and kind as written; a kube-state-metrics entry counts each served version of a kind.")
        .buildWithCallback(m -> {
          Map<Attributes, Long> byEntry = new java.util.LinkedHashMap<>();
          for (Wildcards.Match match : self.wildcards.get().get()) {
            ResourceConfig e = match.entry();
            byEntry.merge(Attributes.of(GROUP, e.group(), VERSION, String.join("|", e.versions()), KIND, e.kind()),
                (long) match.kinds(), Long::sum);
          }
          byEntry.forEach((attributes, n) -> m.record(n, attributes));
        });
    meter.upDownCounterBuilder("kube_state_otel.objects").setUnit("{object}")
        .setDescription("Objects in the cache, per watched kind.")
        .buildWithCallback(m -> {
          InformerSource s = self.source.get().get();
          if (s != null) {
            s.objectCounts().forEach((t, n) -> m.record(n, kind(t)));
          }
        });
    meter.counterBuilder("kube_state_otel.events").setUnit("{event}")
        .setDescription("Informer events per kind and type (add, update, delete).")
        .buildWithCallback(m -> {
          InformerSource s = self.source.get().get();
          if (s != null) {
            s.events().forEach((t, byType) -> byType.forEach((type, n) -> m.record(n,
                kind(t).toBuilder().put("type", type).build())));
          }
        });
    meter.counterBuilder("kube_state_otel.api.requests").setUnit("{request}")
        .setDescription("Requests to the Kubernetes API by verb, resource and HTTP status (error: no response).")
        .buildWithCallback(m -> requests.counts().forEach((k, n) -> m.record(n, Attributes.builder()
            .put("verb", k.verb()).put("resource", k.resource()).put("code", k.code()).build())));
    DoubleHistogram durations = meter.histogramBuilder("kube_state_otel.collection.duration").setUnit("s")
        .setDescription("Time to evaluate the families of one kind in one collection, per reader.")
        .setExplicitBucketBoundariesAdvice(List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0))
        .build();
    self.stats.get().onDuration((reader, seconds) -> durations.record(seconds,
        Attributes.of(AttributeKey.stringKey("reader"), reader)));
    meter.upDownCounterBuilder("kube_state_otel.series").setUnit("{series}")
        .setDescription("Series a family produced at its last collection.")
        .buildWithCallback(m -> self.stats.get().series().forEach((f, n) -> m.record(n, Attributes.of(FAMILY, f))));
    meter.counterBuilder("kube_state_otel.evaluation.errors").setUnit("{sample}")
        .setDescription("Samples skipped (or made from an unexpected value) because an object did not have the"
            + " expected shape, per family and reason, counted at every collection.")
        .buildWithCallback(m -> self.stats.get().errors().forEach((k, n) -> m.record(n,
            Attributes.of(FAMILY, k.family(), AttributeKey.stringKey("reason"), k.reason()))));
    meter.counterBuilder("kube_state_otel.series.dropped").setUnit("{series}")
        .setDescription("Series folded into the overflow series because a family reached the cardinality limit.")
        .buildWithCallback(m -> self.stats.get().dropped().forEach((f, n) -> m.record(n, Attributes.of(FAMILY, f))));
    meter.counterBuilder("kube_state_otel.attribute.truncations").setUnit("{value}")
        .setDescription("Attribute values cut to the maximum length.")
        .buildWithCallback(m -> self.stats.get().truncated().forEach((f, n) -> m.record(n, Attributes.of(FAMILY, f))));
    meter.upDownCounterBuilder("kube_state_otel.metricsconfig.series").setUnit("{series}")
        .setDescription("Series a MetricsConfig resource produced at its last collection, exported or not.")
        .buildWithCallback(m -> self.stats.get().ownerSeries().forEach((o, n) -> m.record(n,
            Attributes.of(NAMESPACE, o.namespace(), AttributeKey.stringKey("name"), o.name()))));
    meter.counterBuilder("kube_state_otel.metricsconfig.series.dropped").setUnit("{series}")
        .setDescription("Series not exported because a MetricsConfig resource reached its series limit, per"
            + " resource, counted at every collection.")
        .buildWithCallback(m -> self.stats.get().limited().forEach((o, n) -> m.record(n,
            Attributes.of(NAMESPACE, o.namespace(), AttributeKey.stringKey("name"), o.name()))));
    meter.gaugeBuilder("kube_state_otel.metricsconfig.ready").ofLongs()
        .setDescription("1 when a MetricsConfig resource is measured in full, 0 when it is refused or its series"
            + " are cut at the limit; the reason is its Ready condition's.")
        .buildWithCallback(m -> self.stats.get().ownerStatuses().forEach((o, status) -> m.record(
            status.ready() ? 1 : 0, Attributes.of(NAMESPACE, o.namespace(), AttributeKey.stringKey("name"), o.name(),
                AttributeKey.stringKey("reason"), status.reason()))));
    meter.counterBuilder("kube_state_otel.scrapes.denied").setUnit("{request}")
        .setDescription("Requests to the metrics endpoint refused by --metrics-auth, by HTTP status: 401 without a"
            + " valid token, 403 without permission to get /metrics, 503 when the API could not review a token.")
        .buildWithCallback(m -> self.denials.get().get().forEach((status, n) -> m.record(n,
            Attributes.of(AttributeKey.stringKey("code"), Integer.toString(status)))));
    meter.gaugeBuilder("kube_state_otel.config.last_reload_successful").ofLongs()
        .setDescription("1 when the last config load or reload was applied; 0 when it was rejected.")
        .buildWithCallback(m -> m.record(self.reload.successful ? 1 : 0));
    meter.gaugeBuilder("kube_state_otel.config.last_reload_success_timestamp").setUnit("s")
        .setDescription("When a config was last applied, in seconds since the epoch.")
        .buildWithCallback(m -> m.record(self.reload.lastSuccessSeconds));
    return self;
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
