package io.kubestate.telemetry;

import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongGaugeBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;

/**
 * One metric the exporter reports about itself: the definition its instrument is built from and
 * its reference in docs/metrics.md is printed from, so that the two cannot disagree.
 *
 * @param name the OpenTelemetry name
 * @param instrument what kind of instrument records it, which decides its Prometheus type
 * @param unit the UCUM unit, empty for none
 * @param description the description, which the Prometheus endpoint shows as HELP
 * @param attributes the attribute keys of its points, in the order the reference lists them
 */
public record SelfMetric(String name, Instrument instrument, String unit, String description,
    List<String> attributes) {

  /** The instruments self metrics use, with the type the Prometheus endpoint gives each. */
  public enum Instrument {
    GAUGE("gauge"),
    COUNTER("counter"),
    UP_DOWN_COUNTER("gauge"),
    HISTOGRAM("histogram");

    private final String prometheusType;

    Instrument(String prometheusType) {
      this.prometheusType = prometheusType;
    }

    public String prometheusType() {
      return prometheusType;
    }
  }

  public SelfMetric {
    attributes = List.copyOf(attributes);
  }

  /** The family name the Prometheus endpoint serves, with {@code _total} on counters. */
  public String prometheusName() {
    return PrometheusNaming.familyName(name, unit, instrument == Instrument.COUNTER);
  }

  public LongGaugeBuilder longGauge(Meter meter) {
    return doubleGauge(meter).ofLongs();
  }

  public DoubleGaugeBuilder doubleGauge(Meter meter) {
    return meter.gaugeBuilder(name).setUnit(unit).setDescription(description);
  }

  public LongCounterBuilder counter(Meter meter) {
    return meter.counterBuilder(name).setUnit(unit).setDescription(description);
  }

  public LongUpDownCounterBuilder upDownCounter(Meter meter) {
    return meter.upDownCounterBuilder(name).setUnit(unit).setDescription(description);
  }

  public DoubleHistogramBuilder histogram(Meter meter) {
    return meter.histogramBuilder(name).setUnit(unit).setDescription(description);
  }
}
