package io.kubestate.telemetry;

import io.kubestate.telemetry.ObjectIdentity.ObjectKey;
import io.kubestate.telemetry.ObjectIdentity.ObjectPoint;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableDoublePointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableSumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Regroups one collection's state metrics so that the points of each object sit under a Resource
 * of their own: the exporter's Resource with the object's identity attributes ({@link
 * ObjectIdentity}), which leave the points. The OTLP marshaler then writes one ResourceMetrics per
 * object, as the OpenTelemetry Collector's Kubernetes receivers do. Points that describe no single
 * object (aggregations, the overflow series) and other scopes stay on the exporter's Resource.
 *
 * <p>An object's Resource keeps what the exporter's says about the service ({@code service.*},
 * {@code k8s.cluster.name}, the deployment environment, ...) but not the exporter's own place in
 * the cluster ({@code k8s.pod.name}, {@code k8s.node.name}, ... as the downward API gives them):
 * a backend reading the Resource would take the object for the exporter's pod.
 *
 * <p>An object's uid is on its Resource when any of its families carries it (the presets put it
 * on the info family only), so that all of an object's points share one Resource. The Resources
 * are kept from one export to the next, while their objects last: building one merges attributes,
 * and the exporter's marshaler caches its encoding of a Resource it sees again.
 *
 * <p>The SDK's own data classes ({@code metrics.internal.data}) build the regrouped metrics; they
 * are internal API, confined to this class.
 */
final class ObjectResources {
  private static final Set<String> CLUSTER = Set.of("k8s.cluster.name", "k8s.cluster.uid");

  private Map<ObjectKey, Built> previous = new HashMap<>();
  /** The exporter's Resource, and what objects' Resources take from it. */
  private Resource exporter;
  private Resource shared;

  /** A Resource made for an object at an earlier export, and what it was made from. */
  private record Built(ObjectKey key, Resource base, String uid, Resource resource) {}

  /** The metrics to export instead of {@code metrics}; calls are served one after the other. */
  synchronized List<MetricData> regroup(Collection<MetricData> metrics) {
    Map<ObjectKey, ObjectMetrics> objects = new HashMap<>(Math.max(16, previous.size() * 4 / 3 + 1));
    UnaryOperator<ObjectKey> canonical = key -> canonical(key, objects);
    List<MetricData> out = new ArrayList<>();
    for (MetricData m : metrics) {
      if (!regroupable(m)) {
        out.add(m);
        continue;
      }
      List<DoublePointData> unowned = null;
      boolean owned = false;
      for (PointData p : m.getData().getPoints()) {
        DoublePointData d = (DoublePointData) p;
        ObjectPoint o = d.getAttributes() instanceof SampleAttributes s ? s.objectPoint(canonical) : null;
        if (o == null) {
          if (unowned == null) {
            unowned = new ArrayList<>();
          }
          unowned.add(d);
          continue;
        }
        owned = true;
        ObjectMetrics object = objects.get(o.object());
        if (object == null) {
          object = new ObjectMetrics(o.object(), m.getResource());
          objects.put(o.object(), object);
        }
        object.add(m, ImmutableDoublePointData.create(d.getStartEpochNanos(), d.getEpochNanos(), o.rest(),
            d.getValue(), d.getExemplars()), o);
      }
      if (!owned) {
        out.add(m);
      } else if (unowned != null) {
        out.add(copy(m, m.getResource(), unowned));
      }
    }
    Map<ObjectKey, Built> built = new HashMap<>(objects.size() * 4 / 3 + 1);
    objects.forEach((key, object) -> {
      Built b = previous.get(key);
      if (b == null || b.base() != object.base || !Objects.equals(b.uid(), object.uid)) {
        b = new Built(key, object.base, object.uid,
            shared(object.base).merge(Resource.create(identity(key, object))));
      }
      built.put(key, b);
      for (int i = 0; i < object.metrics.size(); i++) {
        out.add(copy(object.metrics.get(i), b.resource(), object.points.get(i)));
      }
    });
    // Only the objects of this export are kept: a deleted object's Resource goes with it.
    previous = built;
    return out;
  }

  /**
   * The key of the same object that points already hold, if any: the samples of one object then
   * share one key, which a lookup finds at once, without comparing names.
   */
  private ObjectKey canonical(ObjectKey key, Map<ObjectKey, ObjectMetrics> objects) {
    ObjectMetrics now = objects.get(key);
    if (now != null) {
      return now.key;
    }
    Built before = previous.get(key);
    return before == null ? key : before.key();
  }

  /** What an object's Resource takes from the exporter's: all but the exporter's own place in the cluster. */
  private Resource shared(Resource base) {
    if (base != exporter) {
      exporter = base;
      shared = Resource.create(base.getAttributes().toBuilder()
          .removeIf(k -> k.getKey().startsWith("k8s.") && !CLUSTER.contains(k.getKey())).build(), base.getSchemaUrl());
    }
    return shared;
  }

  /** Forgets the Resources of earlier exports. */
  synchronized void clear() {
    if (!previous.isEmpty()) {
      previous = new HashMap<>();
    }
  }

  /** The state families are observable double gauges and UpDownCounters; anything else is passed on as it is. */
  private static boolean regroupable(MetricData m) {
    return m.getInstrumentationScopeInfo().getName().equals(StateMetrics.SCOPE)
        && (m.getType() == MetricDataType.DOUBLE_GAUGE || m.getType() == MetricDataType.DOUBLE_SUM);
  }

  private static Attributes identity(ObjectKey key, ObjectMetrics object) {
    AttributesBuilder b = Attributes.builder();
    if (key.namespace() != null) {
      b.put(ObjectIdentity.NAMESPACE, key.namespace());
    }
    b.put(AttributeKey.stringKey(key.nameKey()), key.name());
    if (object.uid != null) {
      b.put(AttributeKey.stringKey(object.uidKey), object.uid);
    }
    return b.build();
  }

  private static MetricData copy(MetricData m, Resource resource, List<DoublePointData> points) {
    if (m.getType() == MetricDataType.DOUBLE_GAUGE) {
      return ImmutableMetricData.createDoubleGauge(resource, m.getInstrumentationScopeInfo(), m.getName(),
          m.getDescription(), m.getUnit(), ImmutableGaugeData.create(points));
    }
    SumData<DoublePointData> sum = m.getDoubleSumData();
    return ImmutableMetricData.createDoubleSum(resource, m.getInstrumentationScopeInfo(), m.getName(),
        m.getDescription(), m.getUnit(),
        ImmutableSumData.create(sum.isMonotonic(), sum.getAggregationTemporality(), points));
  }

  /** The points of one object in one collection, per metric, in the order the metrics came. */
  private static final class ObjectMetrics {
    final ObjectKey key;
    final Resource base;
    final List<MetricData> metrics = new ArrayList<>(8);
    final List<List<DoublePointData>> points = new ArrayList<>(8);
    String uidKey;
    String uid;

    ObjectMetrics(ObjectKey key, Resource base) {
      this.key = key;
      this.base = base;
    }

    /** Metrics are walked one after the other, so an object's points of one metric arrive together. */
    void add(MetricData m, DoublePointData point, ObjectPoint o) {
      int last = metrics.size() - 1;
      if (last < 0 || metrics.get(last) != m) {
        metrics.add(m);
        points.add(new ArrayList<>(2));
        last++;
      }
      points.get(last).add(point);
      if (o.uid() != null) {
        uidKey = o.uidKey();
        uid = o.uid();
      }
    }
  }
}
