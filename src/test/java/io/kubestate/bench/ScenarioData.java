package io.kubestate.bench;

import static io.kubestate.bench.Examples.examples;
import static io.kubestate.bench.Examples.preset;
import static io.kubestate.bench.Examples.projected;
import static io.kubestate.bench.Examples.target;
import static io.kubestate.bench.Examples.variants;

import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.ObjectStore;
import io.kubestate.expr.WatchTarget;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of one exposition scenario, held in memory as the informer cache would hold them,
 * with the configuration that reads them; {@code name} prefixes the scenario's figures.
 */
record ScenarioData(String name, CompiledConfig config, Map<WatchTarget, List<Map<String, Object>>> objects,
    int count) implements ObjectStore {
  @Override
  public Iterable<? extends Map<String, Object>> objects(WatchTarget target) {
    return objects.getOrDefault(target, List.of());
  }

  static ScenarioData tekton(int n) throws Exception {
    CompiledConfig config = preset("tekton");
    Map<WatchTarget, List<Map<String, Object>>> objects = new HashMap<>();
    objects.put(target(config, "PipelineRun"),
        projected(config, "PipelineRun", variants(examples("tekton", config, "PipelineRun"), n, 40)));
    return new ScenarioData("tekton_" + label(n), config, objects, n);
  }

  static ScenarioData gateway(int gateways, int routes) throws Exception {
    CompiledConfig config = preset("gateway-api");
    Map<WatchTarget, List<Map<String, Object>>> objects = new HashMap<>();
    // The example with four listeners, fully programmed; the deleting one for variety.
    objects.put(target(config, "Gateway"),
        projected(config, "Gateway", variants(examples("gateway-api", config, "Gateway"), gateways, 200)));
    objects.put(target(config, "HTTPRoute"),
        projected(config, "HTTPRoute", variants(examples("gateway-api", config, "HTTPRoute"), routes, 200)));
    return new ScenarioData("gateway_" + label(gateways) + "gw_" + label(routes) + "routes", config, objects,
        gateways + routes);
  }

  private static String label(int n) {
    return n % 1000 == 0 ? (n / 1000) + "k" : Integer.toString(n);
  }
}
