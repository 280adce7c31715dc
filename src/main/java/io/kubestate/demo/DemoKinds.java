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
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The custom resource kinds the demo cluster serves, and their definitions. */
final class DemoKinds {

  static final ResourceDefinitionContext PIPELINE_RUNS =
      context("tekton.dev", "v1", "pipelineruns", "PipelineRun");
  static final ResourceDefinitionContext TASK_RUNS =
      context("tekton.dev", "v1", "taskruns", "TaskRun");
  /** The preferred version: the only one at which the mock lists Workloads (see {@link DemoCluster}). */
  static final ResourceDefinitionContext WORKLOADS =
      context("kueue.x-k8s.io", "v1beta2", "workloads", "Workload");

  private static final List<ResourceDefinitionContext> ALL =
      List.of(PIPELINE_RUNS, TASK_RUNS, WORKLOADS);

  private DemoKinds() {
  }

  static ResourceDefinitionContext of(HasMetadata resource) {
    return ALL.stream()
        .filter(kind -> kind.getKind().equals(resource.getKind()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Not a demo kind: " + resource.getKind()));
  }

  static List<CustomResourceDefinition> definitions() {
    return List.of(
        definition("tekton.dev", "pipelineruns", "PipelineRun", List.of("pr", "prs"),
            List.of(version("v1", true))),
        definition("tekton.dev", "taskruns", "TaskRun", List.of("tr", "trs"),
            List.of(version("v1", true))),
        definition("kueue.x-k8s.io", "workloads", "Workload", List.of("wl"),
            List.of(version("v1beta2", true), version("v1beta1", false))));
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
      String group, String version, String plural, String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withPlural(plural)
        .withKind(kind)
        .withNamespaced(true)
        .build();
  }

  private static CustomResourceDefinition definition(String group, String plural, String kind,
      List<String> shortNames, List<CustomResourceDefinitionVersion> versions) {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName(plural + "." + group).endMetadata()
        .withNewSpec()
        .withGroup(group)
        .withScope("Namespaced")
        .withNewNames()
        .withKind(kind)
        .withListKind(kind + "List")
        .withPlural(plural)
        .withSingular(kind.toLowerCase(Locale.ROOT))
        .withShortNames(shortNames)
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
