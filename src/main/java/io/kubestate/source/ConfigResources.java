package io.kubestate.source;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Watches the MetricsConfig custom resources (all namespaces, or the watched ones) and writes
 * their status. A missing CRD or a forbidden watch is logged and retried by the informer; the
 * exporter's own configs keep serving.
 */
public final class ConfigResources implements AutoCloseable {
  public static final String GROUP = "kubestate.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "MetricsConfig";
  public static final String PLURAL = "metricsconfigs";
  static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder().withGroup(GROUP)
      .withVersion(VERSION).withKind(KIND).withPlural(PLURAL).withNamespaced(true).build();
  private static final Logger logger = Logger.getLogger(ConfigResources.class.getName());

  /** Told of every resource as it appears, changes (spec or status) and goes. */
  public interface Listener {
    void changed(ConfigResource resource);

    void deleted(ConfigResource resource);
  }

  private final KubernetesClient client;
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
  private volatile String failure;
  private volatile String statusFailure;

  public ConfigResources(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Starts watching; returns at once.
   *
   * @param namespaces the namespaces to watch; empty for all
   */
  public void start(List<String> namespaces, Listener listener) {
    List<String> scopes = namespaces.isEmpty() ? Collections.singletonList(null) : namespaces;
    for (String ns : scopes) {
      var op = client.genericKubernetesResources(CONTEXT);
      SharedIndexInformer<GenericKubernetesResource> informer =
          (ns == null ? op.inAnyNamespace() : op.inNamespace(ns)).runnableInformer(0);
      informer.exceptionHandler((started, t) -> {
        String message = "cannot watch " + PLURAL + "." + GROUP + (ns == null ? "" : " in namespace " + ns)
            + " (is the MetricsConfig CustomResourceDefinition installed, and may the exporter list and watch it?): "
            + ApiFailure.rootMessage(t) + "; retrying";
        if (!message.equals(failure)) {
          logger.warning(message);
          failure = message;
        }
        return true;
      });
      informer.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(GenericKubernetesResource obj) {
          listener.changed(read(obj));
        }

        @Override
        public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
          listener.changed(read(newObj));
        }

        @Override
        public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
          listener.deleted(read(obj));
        }
      });
      informers.add(informer);
      informer.start();
    }
  }

  @SuppressWarnings("unchecked")
  private static ConfigResource read(GenericKubernetesResource obj) {
    var meta = obj.getMetadata();
    Object status = obj.getAdditionalProperties().get("status");
    return new ConfigResource(meta.getNamespace(), meta.getName(),
        meta.getGeneration() == null ? 0 : meta.getGeneration(), meta.getCreationTimestamp(),
        obj.getAdditionalProperties().get("spec"),
        status instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : Map.of());
  }

  /**
   * Replaces the resource's status through its status subresource, whole: a JSON patch that adds
   * /status replaces what was there, where a merge would keep keys and list items left out.
   *
   * @return whether it was written; a failure is logged
   */
  public boolean writeStatus(ConfigResource resource, Map<String, Object> status) {
    try {
      String patch = client.getKubernetesSerialization().asJson(
          List.of(Map.of("op", "add", "path", "/status", "value", status)));
      client.genericKubernetesResources(CONTEXT).inNamespace(resource.namespace()).withName(resource.name())
          .status().patch(PatchContext.of(PatchType.JSON), patch);
      statusFailure = null;
      return true;
    } catch (RuntimeException e) {
      // Tried again at every check: said once until it changes.
      String message = "cannot write the status of MetricsConfig " + resource.key() + " (may the exporter patch "
          + PLURAL + "/status?): " + ApiFailure.rootMessage(e);
      if (!message.equals(statusFailure)) {
        logger.warning(message);
        statusFailure = message;
      }
      return false;
    }
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }
}
