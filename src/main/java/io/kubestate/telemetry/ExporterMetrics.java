package io.kubestate.telemetry;

import io.kubestate.telemetry.SelfMetric.Instrument;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.MeterProviderModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.ViewModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.ViewSelectorModel;
import io.opentelemetry.sdk.autoconfigure.declarativeconfig.model.ViewStreamModel;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.View;
import java.util.ArrayList;
import java.util.List;

/**
 * The counters the SDK's OTLP exporter keeps about its own exports (SDK 1.65, in the scope
 * {@code io.opentelemetry.exporters.otlp-grpc}, {@code otlp-http} or {@code otlp-http-json}). The
 * SDK registers them without a description, which left an empty HELP on the Prometheus endpoint;
 * they are kept, described through Views, because they are the one place a scrape shows that
 * pushes fail. Both count metric streams (one per instrument and scope at each export), not points.
 */
public final class ExporterMetrics {
  public static final SelfMetric SEEN = new SelfMetric("otlp.exporter.seen", Instrument.COUNTER, "",
      "Metric streams handed to the OTLP exporter, one per instrument and scope at each export (type: metric).",
      List.of("type"));
  public static final SelfMetric EXPORTED = new SelfMetric("otlp.exporter.exported", Instrument.COUNTER, "",
      "Metric streams the OTLP exporter sent, by whether the backend accepted them (success: true or false).",
      List.of("type", "success"));
  public static final List<SelfMetric> ALL = List.of(SEEN, EXPORTED);

  private ExporterMetrics() {}

  /** Gives the counters their descriptions on the SDK that autoconfiguration builds. */
  static SdkMeterProviderBuilder describe(SdkMeterProviderBuilder builder) {
    for (SelfMetric m : ALL) {
      builder.registerView(InstrumentSelector.builder().setName(m.name()).build(),
          View.builder().setDescription(m.description()).build());
    }
    return builder;
  }

  /**
   * The same, in the model an SDK configuration file was parsed into, for each counter no view of
   * the file selects by name: a view of the user's own wins.
   */
  static void describe(MeterProviderModel model) {
    List<ViewModel> views = model.getViews() == null ? new ArrayList<>() : new ArrayList<>(model.getViews());
    for (SelfMetric m : ALL) {
      boolean chosen = views.stream().anyMatch(v -> v.getSelector() != null
          && m.name().equals(v.getSelector().getInstrumentName()));
      if (!chosen) {
        views.add(new ViewModel().withSelector(new ViewSelectorModel().withInstrumentName(m.name()))
            .withStream(new ViewStreamModel().withDescription(m.description())));
      }
    }
    model.withViews(views);
  }
}
