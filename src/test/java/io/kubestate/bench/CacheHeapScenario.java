package io.kubestate.bench;

import static io.kubestate.bench.Examples.examples;
import static io.kubestate.bench.Examples.preset;
import static io.kubestate.bench.Examples.variant;
import static io.kubestate.bench.Heap.gc;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.Projection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/** The retained heap of the informer-side cache, whole objects and projected ones. */
final class CacheHeapScenario {
  private final Report report;

  CacheHeapScenario(Report report) {
    this.report = report;
  }

  /**
   * Builds the cache as the informer handler does (each object read as a GenericKubernetesResource,
   * then converted to a plain map), one object at a time, and measures what stays after full GCs.
   */
  void run(int n) throws Exception {
    System.out.printf(Locale.ROOT, "%n== cache heap: %,d PipelineRuns%n", n);
    CompiledConfig config = preset("tekton");
    List<Map<String, Object>> examples = examples("tekton", config, "PipelineRun");
    KubernetesSerialization serialization = new KubernetesSerialization();
    for (CacheShape shape : cacheShapes(config)) {
      Map<String, Map<String, Object>> cache = new ConcurrentHashMap<>();
      long before = gc();
      for (int i = 0; i < n; i++) {
        Map<String, Object> source = variant(examples.get(i % examples.size()), i, 40);
        GenericKubernetesResource r = serialization.convertValue(source, GenericKubernetesResource.class);
        cache.put(r.getMetadata().getNamespace() + "/" + r.getMetadata().getName(),
            shape.convert().apply(serialization, r));
      }
      long after = gc();
      report.figure("heap." + shape.name() + "_bytes_per_object", (after - before) / n);
      System.out.printf(Locale.ROOT, "  %s: %,d bytes per cached PipelineRun (%,d objects)%n", shape.name(),
          (after - before) / n, cache.size());
      cache.clear();
    }
  }

  /** How the informer handler turns an object into what it caches. */
  private record CacheShape(String name,
      BiFunction<KubernetesSerialization, GenericKubernetesResource, Map<String, Object>> convert) {}

  @SuppressWarnings("unchecked")
  private static List<CacheShape> cacheShapes(CompiledConfig config) {
    Projection projection = Examples.projection(config, "PipelineRun");
    return List.of(new CacheShape("full", (s, r) -> s.convertValue(r, Map.class)),
        new CacheShape("projected", (s, r) -> projection.apply(s.convertValue(r, Map.class))));
  }
}
