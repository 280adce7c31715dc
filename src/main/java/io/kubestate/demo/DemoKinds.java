package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionConditionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatus;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionStatusBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceSubresourceStatus;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.ApiVersionUtil;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The custom resource kinds the demo cluster serves, and their definitions. */
final class DemoKinds {

  static final ResourceDefinitionContext PIPELINE_RUNS =
      context("tekton.dev", "v1", "pipelineruns", "PipelineRun", true);
  static final ResourceDefinitionContext TASK_RUNS =
      context("tekton.dev", "v1", "taskruns", "TaskRun", true);
  /** The preferred version: the only one at which the mock lists Workloads (see {@link DemoCluster}). */
  static final ResourceDefinitionContext WORKLOADS =
      context("kueue.x-k8s.io", "v1beta2", "workloads", "Workload", true);

  /**
   * The kinds of the gateway-api, argocd and tap presets, each at the version their controllers
   * write today, the first one those presets watch.
   */
  static final ResourceDefinitionContext GATEWAY_CLASSES =
      context("gateway.networking.k8s.io", "v1", "gatewayclasses", "GatewayClass", false);
  static final ResourceDefinitionContext GATEWAYS =
      context("gateway.networking.k8s.io", "v1", "gateways", "Gateway", true);
  static final ResourceDefinitionContext HTTP_ROUTES =
      context("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute", true);
  static final ResourceDefinitionContext ARGO_CDS = context("argoproj.io", "v1beta1", "argocds", "ArgoCD", true);
  static final ResourceDefinitionContext APPLICATIONS =
      context("argoproj.io", "v1alpha1", "applications", "Application", true);
  static final ResourceDefinitionContext KNATIVE_SERVICES =
      context("serving.knative.dev", "v1", "services", "Service", true);
  static final ResourceDefinitionContext GIT_REPOSITORIES =
      context("source.toolkit.fluxcd.io", "v1", "gitrepositories", "GitRepository", true);
  static final ResourceDefinitionContext KPACK_IMAGES = context("kpack.io", "v1alpha2", "images", "Image", true);

  private static final List<ResourceDefinitionContext> ALL = List.of(
      PIPELINE_RUNS, TASK_RUNS, WORKLOADS,
      GATEWAY_CLASSES, GATEWAYS, HTTP_ROUTES,
      context("gateway.networking.k8s.io", "v1", "grpcroutes", "GRPCRoute", true),
      context("gateway.networking.k8s.io", "v1alpha2", "tlsroutes", "TLSRoute", true),
      context("gateway.networking.k8s.io", "v1alpha2", "tcproutes", "TCPRoute", true),
      context("gateway.networking.k8s.io", "v1alpha2", "udproutes", "UDPRoute", true),
      context("kuadrant.io", "v1", "authpolicies", "AuthPolicy", true),
      context("kuadrant.io", "v1", "ratelimitpolicies", "RateLimitPolicy", true),
      context("kuadrant.io", "v1", "dnspolicies", "DNSPolicy", true),
      context("kuadrant.io", "v1", "tlspolicies", "TLSPolicy", true),
      ARGO_CDS, APPLICATIONS,
      context("carto.run", "v1alpha1", "workloads", "Workload", true),
      context("carto.run", "v1alpha1", "deliverables", "Deliverable", true),
      KNATIVE_SERVICES,
      context("serving.knative.dev", "v1", "revisions", "Revision", true),
      context("packaging.carvel.dev", "v1alpha1", "packagerepositories", "PackageRepository", true),
      context("packaging.carvel.dev", "v1alpha1", "packageinstalls", "PackageInstall", true),
      context("kappctrl.k14s.io", "v1alpha1", "apps", "App", true),
      GIT_REPOSITORIES, KPACK_IMAGES,
      context("kpack.io", "v1alpha2", "builds", "Build", true),
      context("servicebinding.io", "v1", "servicebindings", "ServiceBinding", true),
      context("services.apps.tanzu.vmware.com", "v1alpha1", "clusterinstanceclasses", "ClusterInstanceClass",
          false),
      context("services.apps.tanzu.vmware.com", "v1alpha1", "classclaims", "ClassClaim", true),
      context("services.apps.tanzu.vmware.com", "v1alpha1", "resourceclaims", "ResourceClaim", true),
      context("scanning.apps.tanzu.vmware.com", "v1beta1", "sourcescans", "SourceScan", true),
      context("scanning.apps.tanzu.vmware.com", "v1beta1", "imagescans", "ImageScan", true),
      context("accelerator.apps.tanzu.vmware.com", "v1alpha1", "accelerators", "Accelerator", true),
      context("accelerator.apps.tanzu.vmware.com", "v1alpha1", "fragments", "Fragment", true),
      context("apis.apps.tanzu.vmware.com", "v1alpha1", "apidescriptors", "APIDescriptor", true));

  /** Short names as kubectl knows them, for the kinds that have any. */
  private static final Map<String, List<String>> SHORT_NAMES = Map.of(
      "pipelineruns.tekton.dev", List.of("pr", "prs"),
      "taskruns.tekton.dev", List.of("tr", "trs"),
      "workloads.kueue.x-k8s.io", List.of("wl"),
      "gatewayclasses.gateway.networking.k8s.io", List.of("gc"),
      "gateways.gateway.networking.k8s.io", List.of("gtw"),
      "applications.argoproj.io", List.of("app", "apps"),
      "services.serving.knative.dev", List.of("kservice", "ksvc"),
      "workloads.carto.run", List.of("wld"));

  private DemoKinds() {
  }

  /** The kind of a demo object, told apart by group as well: carto.run and Kueue both have a Workload. */
  static ResourceDefinitionContext of(HasMetadata resource) {
    String group = ApiVersionUtil.trimGroupOrNull(resource.getApiVersion());
    return ALL.stream()
        .filter(kind -> kind.getKind().equals(resource.getKind()) && kind.getGroup().equals(group))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "Not a demo kind: " + resource.getApiVersion() + " " + resource.getKind()));
  }

  static List<CustomResourceDefinition> definitions() {
    return ALL.stream()
        .map(kind -> definition(kind, kind == WORKLOADS
            ? List.of(version("v1beta2", true), version("v1beta1", false))
            : List.of(version(kind.getVersion(), true))))
        .toList();
  }

  /** The status the API server gives a definition once it serves it. */
  static CustomResourceDefinitionStatus establishedStatus(
      CustomResourceDefinition definition, Instant at) {
    String time = DemoStatus.timestamp(at);
    return new CustomResourceDefinitionStatusBuilder()
        .withAcceptedNames(definition.getSpec().getNames())
        .withStoredVersions(definition.getSpec().getVersions().stream()
            .filter(CustomResourceDefinitionVersion::getStorage)
            .map(CustomResourceDefinitionVersion::getName)
            .toList())
        .withConditions(
            condition("NamesAccepted", "NoConflicts", "no conflicts found", time),
            condition("Established", "InitialNamesAccepted",
                "the initial names have been accepted", time))
        .build();
  }

  /** One context per served version: the mock registers only a definition's preferred version. */
  static List<CustomResourceDefinitionContext> servedVersions(
      CustomResourceDefinition definition) {
    return definition.getSpec().getVersions().stream()
        .filter(CustomResourceDefinitionVersion::getServed)
        .map(version -> new CustomResourceDefinitionContext.Builder()
            .withName(definition.getMetadata().getName())
            .withGroup(definition.getSpec().getGroup())
            .withVersion(version.getName())
            .withPlural(definition.getSpec().getNames().getPlural())
            .withKind(definition.getSpec().getNames().getKind())
            .withScope(definition.getSpec().getScope())
            .withStatusSubresource(version.getSubresources() != null
                && version.getSubresources().getStatus() != null)
            .build())
        .toList();
  }

  private static ResourceDefinitionContext context(
      String group, String version, String plural, String kind, boolean namespaced) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(namespaced)
        .build();
  }

  private static CustomResourceDefinition definition(
      ResourceDefinitionContext kind, List<CustomResourceDefinitionVersion> versions) {
    String name = kind.getPlural() + "." + kind.getGroup();
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec()
        .withGroup(kind.getGroup())
        .withScope(kind.isNamespaceScoped() ? "Namespaced" : "Cluster")
        .withNewNames()
        .withKind(kind.getKind())
        .withListKind(kind.getKind() + "List")
        .withPlural(kind.getPlural())
        .withSingular(kind.getKind().toLowerCase(Locale.ROOT))
        .withShortNames(SHORT_NAMES.getOrDefault(name, List.of()))
        .endNames()
        .withVersions(versions)
        .endSpec()
        .build();
  }

  private static CustomResourceDefinitionVersion version(String name, boolean storage) {
    return new CustomResourceDefinitionVersionBuilder()
        .withName(name)
        .withServed(true)
        .withStorage(storage)
        .withNewSubresources().withStatus(new CustomResourceSubresourceStatus()).endSubresources()
        .withNewSchema()
        .withNewOpenAPIV3Schema()
        .withType("object")
        .withXKubernetesPreserveUnknownFields(true)
        .endOpenAPIV3Schema()
        .endSchema()
        .build();
  }

  private static CustomResourceDefinitionCondition condition(
      String type, String reason, String message, String time) {
    return new CustomResourceDefinitionConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(time)
        .build();
  }
}
