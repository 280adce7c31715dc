package io.kubestate.cli;

import io.kubestate.server.SelfTelemetry;
import io.kubestate.telemetry.ExporterMetrics;
import io.kubestate.telemetry.SelfMetric;
import io.kubestate.telemetry.SelfMetrics;
import java.util.List;
import java.util.stream.Collectors;

/** The part of docs/metrics.md on the exporter's own metrics, printed from their definitions. */
final class SelfMetricsDoc {
  static final String ANCHOR = "the-exporters-own-metrics";

  private SelfMetricsDoc() {}

  static void render(StringBuilder sb) {
    sb.append("\n## The exporter's own metrics\n\n")
        .append("In the instrumentation scope `").append(SelfTelemetry.SCOPE).append("`, served on `/metrics` next to the\n")
        .append("state metrics and pushed with them. The second name is the family the Prometheus endpoint serves:\n")
        .append("counters end in `_total`, a histogram's samples in `_bucket`, `_sum` and `_count`, and a unit\n")
        .append("becomes a suffix (`s` → `_seconds`). An `updowncounter` is served as a Prometheus gauge.\n\n");
    table(sb, SelfMetrics.ALL);
    sb.append("\n### Why their attributes are not `k8s.*` keys\n\n")
        .append("`group`, `version`, `kind` and `resource` name a watched kind (an API resource type), and `namespace`\n")
        .append("the namespace a watch is restricted to (empty when it watches all of them), not an object.\n")
        .append("OpenTelemetry's semantic conventions name Kubernetes objects (`k8s.namespace.name` is the namespace\n")
        .append("an object lives in) and have no keys for an API resource type, so these keys follow\n")
        .append("kube-state-metrics' own self-metrics (`kube_state_metrics_list_total{resource}`), which the alerts\n")
        .append("and dashboards in `deploy/` select on. `family` is a metric family's name; on the\n")
        .append("`metricsconfig` metrics, `namespace` and `name` name a MetricsConfig resource, in the same short form.\n");
    sb.append("\n### The OTLP exporter's metrics\n\n")
        .append("With an OTLP exporter on (`OTEL_METRICS_EXPORTER=otlp,prometheus`), the OpenTelemetry SDK counts its\n")
        .append("own exports in the scope `io.opentelemetry.exporters.otlp-grpc` (or `otlp-http`, `otlp-http-json`);\n")
        .append("kube-state-otel gives them their descriptions. [operations.md](operations.md) says how to alert on\n")
        .append("them.\n\n");
    table(sb, ExporterMetrics.ALL);
  }

  private static void table(StringBuilder sb, List<SelfMetric> metrics) {
    sb.append("| Metric | Type | Unit | Attributes | Description |\n|---|---|---|---|---|\n");
    for (SelfMetric m : metrics) {
      sb.append("| `").append(m.name()).append("`<br>`").append(m.prometheusName()).append("` | ")
          .append(m.instrument().name().toLowerCase(java.util.Locale.ROOT).replace("_", "")).append(" | ")
          .append(m.unit().isEmpty() ? "" : "`" + m.unit() + "`").append(" | ")
          .append(m.attributes().stream().map(a -> "`" + a + "`").collect(Collectors.joining(", "))).append(" | ")
          .append(m.description().replace("|", "\\|")).append(" |\n");
    }
  }
}
