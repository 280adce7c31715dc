package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A collection read in pages, each object handed to the versions as its page arrives: only one
 * page of whole objects is held at a time, whatever the size of the collection.
 *
 * @param seen the keys of every object listed
 * @param resourceVersion the collection's version, to watch from
 */
record PagedList(Set<String> seen, String resourceVersion) {

  /** Reads every page, unless {@code stopped} turns true; API errors are thrown. */
  static PagedList read(FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> operation, long pageSize, ObjectVersions versions, BooleanSupplier stopped) {
    Set<String> seen = new HashSet<>();
    String cont = null;
    String version;
    do {
      GenericKubernetesResourceList page = operation.list(new ListOptionsBuilder()
          .withLimit(pageSize).withContinue(cont).build());
      for (GenericKubernetesResource obj : page.getItems()) {
        seen.add(Cache.metaNamespaceKeyFunc(obj));
        versions.apply(obj);
      }
      version = page.getMetadata() == null ? null : page.getMetadata().getResourceVersion();
      cont = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (cont != null && !cont.isEmpty() && !stopped.getAsBoolean());
    return new PagedList(seen, version);
  }
}
