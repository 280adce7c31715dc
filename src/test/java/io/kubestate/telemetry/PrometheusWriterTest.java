package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PrometheusWriterTest {
  private PrometheusReader reader;
  private SdkMeterProvider provider;
  private Meter meter;

  @BeforeEach
  void setUp() {
    reader = new PrometheusReader(true);
    provider = SdkMeterProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "kso")))
        .registerMetricReader(reader)
        .build();
    meter = provider.get("test");
  }

  @AfterEach
  void tearDown() {
    provider.close();
  }

  private String scrape(ExpositionFormat format) throws IOException {
    StringWriter out = new StringWriter();
    reader.scrape(format, out);
    return out.toString();
  }

  @Test
  void namesKeepInfoSuffixesAndGainUnitWords() throws IOException {
    meter.upDownCounterBuilder("kueue.workload.info").ofDoubles().setUnit("{workload}").setDescription("info")
        .buildWithCallback(o -> o.record(1, Attributes.of(AttributeKey.stringKey("k8s.namespace.name"), "ns")));
    meter.gaugeBuilder("tekton.pipelinerun.duration").setUnit("s").setDescription("d")
        .buildWithCallback(o -> o.record(12.5, Attributes.empty()));
    meter.gaugeBuilder("transfer.size").setUnit("By").buildWithCallback(o -> o.record(1024, Attributes.empty()));
    assertThat(scrape(ExpositionFormat.TEXT)).isEqualTo("""
        # HELP target_info Target metadata
        # TYPE target_info gauge
        target_info{service_name="kso"} 1
        # HELP kueue_workload_info info
        # TYPE kueue_workload_info gauge
        kueue_workload_info{k8s_namespace_name="ns"} 1
        # HELP tekton_pipelinerun_duration_seconds d
        # TYPE tekton_pipelinerun_duration_seconds gauge
        tekton_pipelinerun_duration_seconds 12.5
        # HELP transfer_size_bytes\s
        # TYPE transfer_size_bytes gauge
        transfer_size_bytes 1024
        """);
  }

  @Test
  void countersHistogramsAndOpenMetrics() throws IOException {
    meter.counterBuilder("kube_state_otel.list.requests").setDescription("lists")
        .buildWithCallback(o -> o.record(3, Attributes.of(AttributeKey.stringKey("kind"), "PipelineRun")));
    var histogram = meter.histogramBuilder("collection.duration").setUnit("s").setDescription("time")
        .setExplicitBucketBoundariesAdvice(java.util.List.of(0.1, 1.0)).build();
    histogram.record(0.05);
    histogram.record(0.5);
    assertThat(scrape(ExpositionFormat.TEXT)).contains("""
        # HELP kube_state_otel_list_requests_total lists
        # TYPE kube_state_otel_list_requests_total counter
        kube_state_otel_list_requests_total{kind="PipelineRun"} 3
        """).contains("""
        # TYPE collection_duration_seconds histogram
        collection_duration_seconds_bucket{le="0.1"} 1
        collection_duration_seconds_bucket{le="1"} 2
        collection_duration_seconds_bucket{le="+Inf"} 2
        collection_duration_seconds_sum 0.55
        collection_duration_seconds_count 2
        """);
    String om = scrape(ExpositionFormat.OPENMETRICS);
    assertThat(om).contains("# TYPE kube_state_otel_list_requests counter\nkube_state_otel_list_requests_total{")
        .contains("# TYPE target info\n").endsWith("# EOF\n");
  }

  @Test
  void labelValuesAreEscapedAndCollidingKeysMerged() throws IOException {
    meter.gaugeBuilder("g").buildWithCallback(o -> o.record(1, Attributes.builder()
        .put("message", "say \"hi\"\\n\nbye").put("a.b", "x").put("a_b", "y").build()));
    assertThat(scrape(ExpositionFormat.TEXT))
        .contains("g{a_b=\"x;y\",message=\"say \\\"hi\\\"\\\\n\\nbye\"} 1\n");
  }

  @Test
  void contentNegotiationPrefersOpenMetricsWhenAccepted() {
    assertThat(ExpositionFormat.negotiate(null)).isEqualTo(ExpositionFormat.TEXT);
    assertThat(ExpositionFormat.negotiate("text/plain;version=0.0.4")).isEqualTo(ExpositionFormat.TEXT);
    assertThat(ExpositionFormat.negotiate(
        "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"))
        .isEqualTo(ExpositionFormat.OPENMETRICS);
  }
}
