package io.kubestate.telemetry;

import io.kubestate.telemetry.SelfMetric.Instrument;
import java.util.List;

/**
 * Every metric the exporter reports about itself, in the {@code io.kubestate.self} scope. The code
 * that registers them builds each instrument from its entry here, and {@code metrics-doc} prints
 * the reference from the same entries.
 *
 * <p>Their attribute keys (group, version, kind, namespace, resource, ...) are short names, not
 * OpenTelemetry {@code k8s.*} keys: they name a watched kind and the namespace a watch is
 * restricted to, not an object, which the semantic conventions have no keys for; the names follow
 * kube-state-metrics' own self-metrics, and the alerts and dashboards in deploy/ select on them.
 */
public final class SelfMetrics {
  private static final List<String> WATCH = List.of("group", "version", "kind", "namespace");
  private static final List<String> KIND = List.of("group", "kind");
  private static final List<String> METRICS_CONFIG = List.of("namespace", "name");

  public static final SelfMetric BUILD_INFO = gauge("kube_state_otel.build.info", "",
      "The running version of kube-state-otel; always 1.", List.of("version"));
  public static final SelfMetric RESOURCE_UP = gauge("kube_state_otel.resource.up", "",
      "1 when the watch of a kind (in a namespace, or cluster-wide) has listed and is watching, or was within the"
          + " last few seconds while a watch the API server ended opens again; 0 while it is down.", WATCH);
  public static final SelfMetric WATCH_AGE = gauge("kube_state_otel.watch.age", "s",
      "Seconds since the watch of a kind (in a namespace, or cluster-wide) last received an event or a bookmark,"
          + " or listed; grows while the watch is down, or while nothing changes and the API server sends no"
          + " bookmarks.", WATCH);
  public static final SelfMetric RELISTS = counter("kube_state_otel.relists", "{list}",
      "Full lists of a kind after its first, by reason: expired (the API server answered 410 Gone to a watch) or"
          + " config (the families read fields the cache lacks).", plus(WATCH, "reason"));
  public static final SelfMetric RESOURCE_SERVED = gauge("kube_state_otel.resource.served", "",
      "1 when the API serves one of a kind's versions, 0 when it serves none (its CustomResourceDefinition is not"
          + " installed); absent while the API cannot be asked.", KIND);
  public static final SelfMetric WILDCARD_KINDS = gauge("kube_state_otel.wildcard.kinds", "{kind}",
      "Kinds a wildcard entry (version or kind \"*\") stands for now, by the entry's group, version and kind as"
          + " written; a kube-state-metrics entry counts each served version of a kind.",
      List.of("group", "version", "kind"));
  public static final SelfMetric OBJECTS = upDownCounter("kube_state_otel.objects", "{object}",
      "Objects in the cache, per watched kind.", KIND);
  public static final SelfMetric EVENTS = counter("kube_state_otel.events", "{event}",
      "Informer events per kind and type (add, update, delete).", plus(KIND, "type"));
  public static final SelfMetric API_REQUESTS = counter("kube_state_otel.api.requests", "{request}",
      "Requests to the Kubernetes API by verb, resource and HTTP status (error: no response).",
      List.of("verb", "resource", "code"));
  public static final SelfMetric COLLECTION_DURATION = new SelfMetric("kube_state_otel.collection.duration",
      Instrument.HISTOGRAM, "s", "Time to evaluate the families of one kind in one collection, per reader.",
      List.of("reader"));
  public static final SelfMetric SERIES = upDownCounter("kube_state_otel.series", "{series}",
      "Series a family produced at its last collection.", List.of("family"));
  public static final SelfMetric EVALUATION_ERRORS = counter("kube_state_otel.evaluation.errors", "{sample}",
      "Samples skipped (or made from an unexpected value) because an object did not have the expected shape, per"
          + " family and reason, counted at every collection.", List.of("family", "reason"));
  public static final SelfMetric SERIES_DROPPED = counter("kube_state_otel.series.dropped", "{series}",
      "Series folded into the overflow series because a family reached the cardinality limit.", List.of("family"));
  public static final SelfMetric ATTRIBUTE_TRUNCATIONS = counter("kube_state_otel.attribute.truncations", "{value}",
      "Attribute values cut to the maximum length.", List.of("family"));
  public static final SelfMetric METRICSCONFIG_SERIES = upDownCounter("kube_state_otel.metricsconfig.series",
      "{series}", "Series a MetricsConfig resource produced at its last collection, exported or not.",
      METRICS_CONFIG);
  public static final SelfMetric METRICSCONFIG_SERIES_DROPPED = counter(
      "kube_state_otel.metricsconfig.series.dropped", "{series}",
      "Series not exported because a MetricsConfig resource reached its series limit, per resource, counted at"
          + " every collection.", METRICS_CONFIG);
  public static final SelfMetric METRICSCONFIG_READY = gauge("kube_state_otel.metricsconfig.ready", "",
      "1 when a MetricsConfig resource is measured in full, 0 when it is refused or its series are cut at the"
          + " limit; the reason is its Ready condition's.", plus(METRICS_CONFIG, "reason"));
  public static final SelfMetric SCRAPES_DENIED = counter("kube_state_otel.scrapes.denied", "{request}",
      "Requests to the metrics endpoint refused by --metrics-auth, by HTTP status: 401 without a valid token, 403"
          + " without permission to get /metrics, 503 when the API could not review a token.", List.of("code"));
  public static final SelfMetric CONFIG_RELOAD_SUCCESSFUL = gauge("kube_state_otel.config.last_reload_successful",
      "", "1 when the last config load or reload was applied; 0 when it was rejected.", List.of());
  public static final SelfMetric CONFIG_RELOAD_SUCCESS_TIMESTAMP = gauge(
      "kube_state_otel.config.last_reload_success_timestamp", "s",
      "When a config was last applied, in seconds since the epoch.", List.of());
  public static final SelfMetric SHARD_ORDINAL = gauge("kube_state_otel.shard.ordinal", "",
      "The shard of this replica: it exports the objects whose UID hashes to it.", List.of());
  public static final SelfMetric TOTAL_SHARDS = gauge("kube_state_otel.total_shards", "",
      "The number of shards the objects are split into; 1 when this replica exports them all.", List.of());

  /** Every self metric, in the order the reference lists them. */
  public static final List<SelfMetric> ALL = List.of(BUILD_INFO, RESOURCE_UP, RESOURCE_SERVED, WATCH_AGE, RELISTS,
      WILDCARD_KINDS, OBJECTS, EVENTS, API_REQUESTS, COLLECTION_DURATION, SERIES, EVALUATION_ERRORS, SERIES_DROPPED,
      ATTRIBUTE_TRUNCATIONS, METRICSCONFIG_SERIES, METRICSCONFIG_SERIES_DROPPED, METRICSCONFIG_READY, SCRAPES_DENIED,
      CONFIG_RELOAD_SUCCESSFUL, CONFIG_RELOAD_SUCCESS_TIMESTAMP, SHARD_ORDINAL, TOTAL_SHARDS);

  private SelfMetrics() {}

  private static SelfMetric gauge(String name, String unit, String description, List<String> attributes) {
    return new SelfMetric(name, Instrument.GAUGE, unit, description, attributes);
  }

  private static SelfMetric counter(String name, String unit, String description, List<String> attributes) {
    return new SelfMetric(name, Instrument.COUNTER, unit, description, attributes);
  }

  private static SelfMetric upDownCounter(String name, String unit, String description, List<String> attributes) {
    return new SelfMetric(name, Instrument.UP_DOWN_COUNTER, unit, description, attributes);
  }

  private static List<String> plus(List<String> keys, String key) {
    return java.util.stream.Stream.concat(keys.stream(), java.util.stream.Stream.of(key)).toList();
  }
}
