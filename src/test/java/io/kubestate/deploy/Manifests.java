package io.kubestate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Objects;

/** Finding things in the objects a kustomize build gives. */
final class Manifests {
  private Manifests() {}

  static List<String> kinds(List<HasMetadata> objects) {
    return objects.stream().map(HasMetadata::getKind).toList();
  }

  static <T extends HasMetadata> List<T> of(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type) {
    List<T> found = of(objects, type);
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name,
      String namespace) {
    return of(objects, type).stream()
        .filter(o -> o.getMetadata().getName().equals(name)
            && Objects.equals(o.getMetadata().getNamespace(), namespace))
        .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  static HasMetadata workload(List<HasMetadata> objects) {
    List<HasMetadata> workloads = objects.stream()
        .filter(o -> o instanceof Deployment || o instanceof StatefulSet).toList();
    assertThat(workloads).as("Deployments and StatefulSets").hasSize(1);
    return workloads.get(0);
  }

  static PodTemplateSpec template(List<HasMetadata> objects) {
    HasMetadata w = workload(objects);
    return w instanceof Deployment d ? d.getSpec().getTemplate() : ((StatefulSet) w).getSpec().getTemplate();
  }

  static Container container(PodTemplateSpec pod) {
    assertThat(pod.getSpec().getContainers()).hasSize(1);
    return pod.getSpec().getContainers().get(0);
  }

  static int containerPort(Container c, String name) {
    return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
        .findFirst().orElseThrow(() -> new AssertionError("no container port named " + name));
  }

  static int resolve(IntOrString port, Container c) {
    return port.getIntVal() != null ? port.getIntVal() : containerPort(c, port.getStrVal());
  }
}
