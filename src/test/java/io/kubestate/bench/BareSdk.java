package io.kubestate.bench;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Records given points on fresh instruments of a provider of its own, with nothing else in the callback. */
final class BareSdk implements AutoCloseable {
  private final CollectOnlyReader reader = new CollectOnlyReader();
  private final SdkMeterProvider provider = SdkMeterProvider.builder().setExemplarFilter(ExemplarFilter.alwaysOff())
      .registerMetricReader(reader, t -> Pipeline.LIMIT).build();

  BareSdk(Collection<MetricData> metrics) {
    Meter meter = provider.get("bare");
    List<ObservableDoubleMeasurement> instruments = new ArrayList<>();
    List<Attributes[]> attributes = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (MetricData m : metrics) {
      if (m.getType() != MetricDataType.DOUBLE_GAUGE && m.getType() != MetricDataType.DOUBLE_SUM) {
        continue;
      }
      instruments.add(m.getType() == MetricDataType.DOUBLE_SUM
          ? meter.upDownCounterBuilder(m.getName()).ofDoubles().buildObserver()
          : meter.gaugeBuilder(m.getName()).buildObserver());
      List<? extends PointData> points = new ArrayList<>(m.getData().getPoints());
      Attributes[] a = new Attributes[points.size()];
      double[] v = new double[points.size()];
      for (int i = 0; i < a.length; i++) {
        a[i] = points.get(i).getAttributes();
        v[i] = ((DoublePointData) points.get(i)).getValue();
      }
      attributes.add(a);
      values.add(v);
    }
    meter.batchCallback(() -> {
      for (int k = 0; k < instruments.size(); k++) {
        ObservableDoubleMeasurement instrument = instruments.get(k);
        Attributes[] a = attributes.get(k);
        double[] v = values.get(k);
        for (int i = 0; i < a.length; i++) {
          instrument.record(v[i], a[i]);
        }
      }
    }, instruments.get(0), instruments.subList(1, instruments.size()).toArray(new ObservableDoubleMeasurement[0]));
  }

  /** One collection; returns the time it took. */
  long collect() {
    long t0 = System.nanoTime();
    reader.collect();
    return System.nanoTime() - t0;
  }

  @Override
  public void close() {
    provider.close();
  }
}
