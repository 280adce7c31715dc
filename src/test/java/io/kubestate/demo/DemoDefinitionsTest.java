package io.kubestate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Definitions a client creates while the demo runs, served as a real API server serves them. */
class DemoDefinitionsTest {
  @RegisterExtension final DemoUnderTest demo = new DemoUnderTest(7L, Instant.parse("2026-08-24T12:00:00Z"));

  @Test
  void aDefinitionCreatedAtRunTimeIsEstablishedAndDiscoveredAtEveryServedVersionUntilDeleted() {
    CustomResourceDefinition widgets = new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("widgets.example.com").endMetadata()
        .withNewSpec().withGroup("example.com").withScope("Namespaced")
        .withNewNames().withKind("Widget").withPlural("widgets").withSingular("widget").endNames()
        .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
        .addNewVersion().withName("v1beta1").withServed(true).withStorage(false).endVersion()
        .endSpec()
        .build();
    demo.client().apiextensions().v1().customResourceDefinitions().resource(widgets).create();

    assertThat(demo.client().apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").get()
        .getStatus().getConditions())
        .anySatisfy(condition -> assertThat(condition.getType() + " " + condition.getStatus())
            .isEqualTo("Established True"));
    assertThat(demo.client().getApiGroup("example.com").getVersions())
        .extracting(GroupVersionForDiscovery::getVersion).containsExactly("v1", "v1beta1");
    assertThat(demo.client().getApiResources("example.com/v1beta1").getResources())
        .extracting(resource -> resource.getKind() + " " + resource.getName())
        .containsExactly("Widget widgets");
    demo.client().genericKubernetesResources("example.com/v1beta1", "Widget").inNamespace("ci")
        .resource(new GenericKubernetesResourceBuilder().withApiVersion("example.com/v1beta1").withKind("Widget")
            .withNewMetadata().withName("sprocket").endMetadata().build())
        .create();
    assertThat(demo.client().genericKubernetesResources("example.com/v1beta1", "Widget").inNamespace("ci").list()
        .getItems()).extracting(widget -> widget.getMetadata().getName()).containsExactly("sprocket");

    demo.client().apiextensions().v1().customResourceDefinitions().withName("widgets.example.com").delete();

    assertThat(demo.client().getApiGroups().getGroups()).extracting(group -> group.getName())
        .doesNotContain("example.com")
        .contains("tekton.dev");
  }
}
