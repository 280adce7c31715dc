package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.List;

/**
 * The status changes a controller makes to one seeded object, over and over in this order: the
 * simulator applies the next one now and then, so that the object leaves its state and comes back.
 */
record DemoCycle(ResourceDefinitionContext kind, String namespace, String name, List<Step> steps) {

  DemoCycle {
    steps = List.copyOf(steps);
  }

  /** One status change, made at {@code at}. */
  @FunctionalInterface
  interface Step {
    void apply(GenericKubernetesResource object, Instant at);
  }
}
