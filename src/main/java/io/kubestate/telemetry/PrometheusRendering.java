package io.kubestate.telemetry;

import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.ObjectStore;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The Prometheus text a set of objects produces, through the same instruments and the same
 * OpenTelemetry-to-Prometheus conversion as the server; only the transport differs. Series are
 * sorted, and scope labels and {@code target_info} are left out so that the output depends on the
 * objects alone.
 */
public final class PrometheusRendering {

  private PrometheusRendering() {}

  public static String render(CompiledConfig config, ObjectStore store, Clock clock, int cardinalityLimit) {
    PrometheusReader reader = new PrometheusReader(false);
    try (SdkMeterProvider provider = SdkMeterProvider.builder()
        .setResource(Resource.empty())
        .registerMetricReader(reader, type -> cardinalityLimit)
        .build()) {
      StateMetrics.register(provider.get(StateMetrics.SCOPE), config, store, clock, cardinalityLimit);
      StringWriter out = new StringWriter();
      reader.scrape(ExpositionFormat.TEXT, out);
      return sortSeries(out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sorts the sample lines inside each family block; the blocks are already ordered by name. */
  static String sortSeries(String exposition) {
    StringBuilder sb = new StringBuilder();
    List<String> samples = new ArrayList<>();
    for (String line : exposition.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        flush(sb, samples);
        sb.append(line).append('\n');
      } else {
        samples.add(line);
      }
    }
    flush(sb, samples);
    return sb.toString();
  }

  private static void flush(StringBuilder sb, List<String> samples) {
    Collections.sort(samples);
    samples.forEach(s -> sb.append(s).append('\n'));
    samples.clear();
  }
}
