package io.kubestate.source;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubestate.expr.WatchTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * Watches CustomResourceDefinitions, so that a waiting kind starts as soon as its CRD appears and
 * stops when the CRD is deleted, instead of at the next poll.
 */
final class DefinitionWatch implements AutoCloseable {
  /** Under the source's name: these lines tell of the source's kinds. */
  private static final Logger logger = Logger.getLogger(InformerSource.class.getName());

  /** Told on the executor the watch was started with. */
  interface Listener {
    void appeared(WatchTarget target);

    void deleted(WatchTarget target, String definition);

    /** A definition of the group was installed, changed or deleted. */
    void changed(String group);
  }

  private final SharedIndexInformer<CustomResourceDefinition> crds;
  private final Iterable<WatchTarget> targets;
  private volatile boolean failed;

  /** @param targets the watched targets, read at each event */
  DefinitionWatch(KubernetesClient client, Iterable<WatchTarget> targets, Executor executor, Listener listener) {
    this.targets = targets;
    crds = client.apiextensions().v1().customResourceDefinitions().runnableInformer(0);
    crds.exceptionHandler((started, t) -> {
      if (!failed) {
        logger.warning("cannot watch CustomResourceDefinitions (" + ApiFailure.rootMessage(t) + "): kinds whose CRD is"
            + " installed later are found by polling every " + KindResolver.MAX_RETRY.toSeconds() + " s instead, and"
            + " wildcard entries, whose kinds come from the CRDs, find none until they can be read");
        failed = true;
      }
      return true;
    });
    crds.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(CustomResourceDefinition crd) {
        executor.execute(() -> {
          matching(crd).forEach(listener::appeared);
          changed(crd);
        });
      }

      @Override
      public void onUpdate(CustomResourceDefinition oldCrd, CustomResourceDefinition crd) {
        executor.execute(() -> {
          matching(crd).forEach(listener::appeared);
          changed(crd);
        });
      }

      @Override
      public void onDelete(CustomResourceDefinition crd, boolean deletedFinalStateUnknown) {
        executor.execute(() -> {
          matching(crd).forEach(t -> listener.deleted(t, crd.getMetadata().getName()));
          changed(crd);
        });
      }

      private void changed(CustomResourceDefinition crd) {
        if (crd.getSpec() != null && crd.getSpec().getGroup() != null) {
          listener.changed(crd.getSpec().getGroup());
        }
      }
    });
  }

  void start() {
    crds.start();
  }

  /** Listed in full, or not readable at all: either way, what {@link #definitions} holds is all there is to know. */
  boolean settled() {
    return failed || crds.hasSynced();
  }

  /** The definitions listed and watched so far. */
  List<CustomResourceDefinition> definitions() {
    return crds.getStore().list();
  }

  private List<WatchTarget> matching(CustomResourceDefinition crd) {
    if (crd.getSpec() == null || crd.getSpec().getNames() == null) {
      return List.of();
    }
    List<WatchTarget> out = new ArrayList<>();
    for (WatchTarget t : targets) {
      if (t.group().equals(crd.getSpec().getGroup()) && t.kind().equals(crd.getSpec().getNames().getKind())) {
        out.add(t);
      }
    }
    return out;
  }

  @Override
  public void close() {
    crds.close();
  }
}
