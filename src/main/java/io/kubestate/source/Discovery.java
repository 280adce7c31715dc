package io.kubestate.source;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.kubestate.expr.WatchTarget;

/** Finds which of a target's versions the API serves, with its plural and scope. */
final class Discovery {
  private final KubernetesClient client;

  Discovery(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The first served version in the target's order of preference, or null when none is served.
   *
   * @throws KubernetesClientException when the API cannot be asked (unreachable, forbidden)
   */
  ResolvedKind resolve(WatchTarget target) {
    for (String version : target.versions()) {
      APIResourceList list;
      try {
        list = client.getApiResources(target.apiVersion(version));
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          continue;
        }
        throw e;
      }
      if (list == null || list.getResources() == null) {
        continue;
      }
      for (APIResource r : list.getResources()) {
        if (target.kind().equals(r.getKind()) && !r.getName().contains("/")) {
          String plural = target.plural() != null ? target.plural() : r.getName();
          return new ResolvedKind(target.group(), version, target.kind(), plural,
              !Boolean.FALSE.equals(r.getNamespaced()));
        }
      }
    }
    return null;
  }
}
