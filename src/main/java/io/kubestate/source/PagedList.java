package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A collection read in pages, each object handed on as its page arrives: only one page of whole
 * objects is held at a time, whatever the size of the collection.
 */
final class PagedList {
  private PagedList() {}

  /**
   * Reads every page, unless {@code stopped} turns true; API errors are thrown.
   *
   * @return the collection's version, to watch from
   */
  static String read(FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList,
      Resource<GenericKubernetesResource>> operation, long pageSize, Consumer<GenericKubernetesResource> each,
      BooleanSupplier stopped) {
    String cont = null;
    String version;
    do {
      GenericKubernetesResourceList page = operation.list(new ListOptionsBuilder()
          .withLimit(pageSize).withContinue(cont).build());
      page.getItems().forEach(each);
      version = page.getMetadata() == null ? null : page.getMetadata().getResourceVersion();
      cont = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (cont != null && !cont.isEmpty() && !stopped.getAsBoolean());
    return version;
  }
}
