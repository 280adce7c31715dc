package io.kubestate.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** Custom resource definitions for the API mock server, as a cluster with the operator installed has them. */
public final class Crds {
  public static final ResourceDefinitionContext PIPELINE_RUNS = namespaced("tekton.dev", "v1", "PipelineRun",
      "pipelineruns");

  private Crds() {}

  public static ResourceDefinitionContext namespaced(String group, String version, String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
        .withPlural(plural).withNamespaced(true).build();
  }

  public static ResourceDefinitionContext clusterScoped(String group, String version, String kind, String plural) {
    return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withKind(kind)
        .withPlural(plural).withNamespaced(false).build();
  }

  /** Installs a kind served at one version, namespaced or cluster-scoped as the context says. */
  public static void install(KubernetesClient client, ResourceDefinitionContext kind) {
    client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(kind.getPlural() + "." + kind.getGroup()).endMetadata()
        .withNewSpec().withGroup(kind.getGroup()).withScope(kind.isNamespaceScoped() ? "Namespaced" : "Cluster")
        .withNewNames().withKind(kind.getKind()).withPlural(kind.getPlural()).endNames()
        .addNewVersion().withName(kind.getVersion()).withServed(true).withStorage(true).endVersion()
        .endSpec().build()).create();
  }

  /** Installs a cluster-scoped kind served at one version. */
  public static void installClusterScoped(KubernetesClient client, String group, String version, String kind,
      String plural) {
    client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + group).endMetadata()
        .withNewSpec().withGroup(group).withScope("Cluster")
        .withNewNames().withKind(kind).withPlural(plural).endNames()
        .addNewVersion().withName(version).withServed(true).withStorage(true).endVersion()
        .endSpec().build()).create();
  }

  /** PipelineRun and TaskRun, the kinds of the tekton preset. */
  public static void installTekton(KubernetesClient client) {
    install(client, PIPELINE_RUNS);
    install(client, namespaced("tekton.dev", "v1", "TaskRun", "taskruns"));
  }
}
