package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.kubestate.expr.WatchTarget;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The informers of one kind (one per namespace when namespaces are restricted) and the cache the
 * collections read: each object kept as the plain map the families evaluate.
 */
final class KindWatch implements AutoCloseable {
  private static final Logger logger = Logger.getLogger(KindWatch.class.getName());

  private final WatchTarget target;
  private final ResolvedKind kind;
  private final Map<String, Map<String, Object>> objects = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

  KindWatch(WatchTarget target, ResolvedKind kind) {
    this.target = target;
    this.kind = kind;
  }

  void start(KubernetesClient client, List<String> namespaces) {
    ResourceDefinitionContext ctx = new ResourceDefinitionContext.Builder()
        .withGroup(kind.group())
        .withVersion(kind.version())
        .withKind(kind.kind())
        .withPlural(kind.plural())
        .withNamespaced(kind.namespaced())
        .build();
    MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> op =
        client.genericKubernetesResources(ctx);
    List<String> scopes = kind.namespaced() && !namespaces.isEmpty() ? namespaces : java.util.Collections.singletonList(null);
    long started = System.nanoTime();
    for (String ns : scopes) {
      FilterWatchListDeletable<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> scoped =
          ns == null ? op.inAnyNamespace() : op.inNamespace(ns);
      if (target.labelSelector() != null) {
        scoped = scoped.withLabelSelector(target.labelSelector());
      }
      SharedIndexInformer<GenericKubernetesResource> informer = scoped.runnableInformer(0);
      informer.exceptionHandler((isStarted, t) -> {
        logger.log(Level.WARNING, "watch of " + describe(ns) + " failed, retrying: " + rootMessage(t));
        return true;
      });
      informer.addEventHandler(new Handler(client));
      informers.add(informer);
      informer.start().whenComplete((v, t) -> {
        if (t == null) {
          logger.info(String.format("synced %,d %s%s in %.1f s", informer.getStore().list().size(), kind.plural(),
              ns == null ? "" : " in namespace " + ns, (System.nanoTime() - started) / 1e9));
        }
      });
    }
  }

  private String describe(String ns) {
    return kind.plural() + "." + kind.group() + "/" + kind.version() + (ns == null ? "" : " in namespace " + ns);
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  boolean synced() {
    return !informers.isEmpty() && informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  Collection<Map<String, Object>> objects() {
    return objects.values();
  }

  ResolvedKind kind() {
    return kind;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
    objects.clear();
  }

  private static String key(GenericKubernetesResource r) {
    return r.getMetadata().getNamespace() + "/" + r.getMetadata().getName();
  }

  /** Converts at event time, so that a collection only reads ready-made maps. */
  private final class Handler implements ResourceEventHandler<GenericKubernetesResource> {
    private final KubernetesClient client;

    Handler(KubernetesClient client) {
      this.client = client;
    }

    @Override
    public void onAdd(GenericKubernetesResource obj) {
      put(obj);
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
      put(newObj);
    }

    @Override
    public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
      objects.remove(key(obj));
    }

    @SuppressWarnings("unchecked")
    private void put(GenericKubernetesResource obj) {
      try {
        objects.put(key(obj), client.getKubernetesSerialization().convertValue(obj, Map.class));
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "cannot read " + kind.kind() + " " + key(obj) + ": " + e.getMessage());
      }
    }
  }
}
