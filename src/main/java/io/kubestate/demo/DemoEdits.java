package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.function.Consumer;

/** Writes to the demo cluster the way controllers do: through the API, status apart from the object. */
final class DemoEdits {

  private final KubernetesClient client;

  DemoEdits(KubernetesClient client) {
    this.client = client;
  }

  /** Creates an object, then reports its first status, as controllers do: a create ignores the status. */
  GenericKubernetesResource createWithStatus(ResourceDefinitionContext kind,
      GenericKubernetesResource object, Consumer<GenericKubernetesResource> status) {
    String namespace = object.getMetadata().getNamespace();
    GenericKubernetesResource created = resources(kind, namespace).resource(object).create();
    status.accept(created);
    return resources(kind, namespace).resource(created).updateStatus();
  }

  GenericKubernetesResource editStatus(ResourceDefinitionContext kind, String namespace, String name,
      Consumer<GenericKubernetesResource> change) {
    return resources(kind, namespace).withName(name).editStatus(object -> {
      change.accept(object);
      return object;
    });
  }

  NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> resources(ResourceDefinitionContext kind, String namespace) {
    return client.genericKubernetesResources(kind).inNamespace(namespace);
  }
}
