package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Seed objects written as manifests (one YAML file per preset area under {@code demo/} on the class
 * path), dated when the demo starts. The manifests leave timestamps empty so that every object looks
 * recent whenever the demo runs: documents are created a few minutes apart in file order, and every
 * empty {@code ...Time} or {@code ...At} field inside an object reads one minute after its creation.
 */
final class DemoManifests {

  private static final Duration SPACING = Duration.ofMinutes(7);
  private static final Duration SETTLED = Duration.ofMinutes(1);

  private DemoManifests() {
  }

  static List<GenericKubernetesResource> load(String name, Instant now) {
    List<GenericKubernetesResource> objects = new ArrayList<>();
    for (String document : read(name).split("(?m)^---\\s*$")) {
      if (!document.isBlank()) {
        objects.add(Serialization.unmarshal(document, GenericKubernetesResource.class));
      }
    }
    for (int i = 0; i < objects.size(); i++) {
      GenericKubernetesResource object = objects.get(i);
      Instant created = now.minus(SPACING.multipliedBy(objects.size() - i + 1L));
      object.getMetadata().setUid(UUID.randomUUID().toString());
      object.getMetadata().setCreationTimestamp(DemoStatus.timestamp(created));
      if (object.getMetadata().getGeneration() == null) {
        object.getMetadata().setGeneration(1L);
      }
      fillTimes(object.getAdditionalProperties(), DemoStatus.timestamp(created.plus(SETTLED)));
    }
    return objects;
  }

  @SuppressWarnings("unchecked")
  private static void fillTimes(Object node, String time) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<String, Object> entry : ((Map<String, Object>) map).entrySet()) {
        if (entry.getValue() == null && (entry.getKey().endsWith("Time") || entry.getKey().endsWith("At"))) {
          entry.setValue(time);
        } else {
          fillTimes(entry.getValue(), time);
        }
      }
    } else if (node instanceof List<?> list) {
      list.forEach(item -> fillTimes(item, time));
    }
  }

  private static String read(String name) {
    String resource = "/demo/" + name + ".yaml";
    try (InputStream in = DemoManifests.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Missing demo manifest " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read demo manifest " + resource, e);
    }
  }
}
