package io.kubestate.demo;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Logger;

/**
 * Drives the {@link DemoCycle}s of the Gateway API, Argo CD and Tanzu objects: each tick, each cycle
 * takes its next step with some chance, so that their changes do not all fall on the same ticks.
 */
final class DemoCycles {

  private static final Logger logger = Logger.getLogger(DemoCycles.class.getName());
  private static final int ONE_STEP_IN = 3;

  private final DemoEdits edits;
  private final Random random;
  private final Map<DemoCycle, Integer> next = new LinkedHashMap<>();

  DemoCycles(DemoEdits edits, Random random, List<DemoCycle> cycles) {
    this.edits = edits;
    this.random = random;
    cycles.forEach(cycle -> next.put(cycle, 0));
  }

  static List<DemoCycle> all() {
    List<DemoCycle> cycles = new ArrayList<>();
    cycles.addAll(GatewayApi.cycles());
    cycles.addAll(ArgoCd.cycles());
    cycles.addAll(Tanzu.cycles());
    return cycles;
  }

  void tick(Instant now) {
    for (DemoCycle cycle : List.copyOf(next.keySet())) {
      if (random.nextInt(ONE_STEP_IN) == 0) {
        step(cycle, now);
      }
    }
  }

  /** Anyone can delete objects with kubectl; a cycle whose object vanished stops. */
  private void step(DemoCycle cycle, Instant now) {
    int index = next.get(cycle);
    try {
      edits.editStatus(cycle.kind(), cycle.namespace(), cycle.name(),
          object -> cycle.steps().get(index).apply(object, now));
      next.put(cycle, (index + 1) % cycle.steps().size());
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
        throw e;
      }
      next.remove(cycle);
      logger.info(() -> "No longer simulating %s %s/%s: %s"
          .formatted(cycle.kind().getKind(), cycle.namespace(), cycle.name(), e.getMessage()));
    }
  }
}
