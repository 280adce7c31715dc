package io.kubestate.telemetry;

import io.opentelemetry.api.incubator.config.DeclarativeConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ComponentProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.function.BooleanSupplier;

/**
 * A push exporter of an SDK configuration file ({@code otlp_http}, {@code otlp_grpc}, {@code
 * console}, ...) as the SDK's own provider makes it, behind an {@link ObjectResourceExporter}. The
 * SDK's exporter customizers cannot do this: they close the exporter they are given whenever they
 * return another one, so a customizer can replace an exporter but not wrap it.
 */
final class PushExporterProvider implements ComponentProvider {
  private final ComponentProvider sdk;
  private final BooleanSupplier perObject;

  PushExporterProvider(ComponentProvider sdk, BooleanSupplier perObject) {
    this.sdk = sdk;
    this.perObject = perObject;
  }

  /** Whether {@code provider} makes push exporters, which this class can stand in front of. */
  static boolean makesPushExporters(Object provider) {
    return provider instanceof ComponentProvider p && p.getType() == MetricExporter.class;
  }

  @Override
  public Class<?> getType() {
    return MetricExporter.class;
  }

  @Override
  public String getName() {
    return sdk.getName();
  }

  @Override
  public Object create(DeclarativeConfigProperties config) {
    return new ObjectResourceExporter((MetricExporter) sdk.create(config), perObject);
  }
}
