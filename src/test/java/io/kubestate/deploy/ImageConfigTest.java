package io.kubestate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.cli.Main;
import io.kubestate.testing.DockerfileEntrypoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The two ways to build the image, the Dockerfile and Jib, make the same image: base, user, ports,
 * JVM flags, and the program's own ports. Reads the files only: no Docker daemon, no registry.
 */
class ImageConfigTest {
  private static List<String> dockerfile;
  private static Element jib;
  private static Document pom;
  private static int metricsPort;
  private static int telemetryPort;

  @BeforeAll
  static void read() throws Exception {
    dockerfile = Files.readAllLines(Path.of("Dockerfile"));
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    pom = factory.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    NodeList plugins = pom.getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element p = (Element) plugins.item(i);
      if ("jib-maven-plugin".equals(text(p, "artifactId"))) {
        jib = p;
      }
    }
    assertThat(jib).as("jib-maven-plugin in pom.xml").isNotNull();
    metricsPort = RunFlags.defaultOf("--metrics-port");
    telemetryPort = RunFlags.defaultOf("--telemetry-port");
  }

  @Test
  void jibIsBoundToNoPhaseSoThatTheBuildNeverNeedsARegistry() {
    assertThat(jib.getElementsByTagName("executions").getLength()).isZero();
    assertThat(text(jib, "version")).isEqualTo("3.5.2");
  }

  @Test
  void bothRunTheJreImageAsNobodyWithTheProgramsPorts() {
    Element container = child(jib, "configuration", "container");
    assertThat(text(child(jib, "configuration", "from"), "image")).isEqualTo(runtimeBase());
    assertThat(runtimeBase()).isEqualTo("eclipse-temurin:17-jre");
    assertThat(text(container, "user")).isEqualTo(instruction("USER")).startsWith("65534");
    assertThat(texts(child(container, "ports"), "port"))
        .containsExactlyInAnyOrderElementsOf(Arrays.asList(instruction("EXPOSE").split("\\s+")))
        .containsExactlyInAnyOrder(Integer.toString(metricsPort), Integer.toString(telemetryPort));
    assertThat(text(container, "mainClass")).isEqualTo(Main.class.getName());
  }

  @Test
  void bothStartTheJvmWithTheSameFlagsOnTheShadedJar() {
    List<String> entrypoint = DockerfileEntrypoint.words(dockerfile);
    assertThat(entrypoint.get(0)).isEqualTo("java");
    int jar = entrypoint.indexOf("-jar");
    assertThat(jar).isPositive();
    assertThat(entrypoint.subList(1, jar))
        .isEqualTo(texts(child(jib, "configuration", "container", "jvmFlags"), "jvmFlag"))
        .anyMatch(f -> f.startsWith("-XX:MaxRAMPercentage="));
    String finalName = text(child(pom.getDocumentElement(), "build"), "finalName");
    String copy = dockerfile.stream().filter(l -> l.startsWith("COPY --from=build")).findFirst().orElseThrow();
    assertThat(copy).contains("/target/" + finalName + ".jar ").endsWith(" " + entrypoint.get(jar + 1));
  }

  /** The last stage's base image. */
  private static String runtimeBase() {
    List<String> froms = dockerfile.stream().filter(l -> l.startsWith("FROM ")).toList();
    return froms.get(froms.size() - 1).split("\\s+")[1];
  }

  private static String instruction(String name) {
    List<String> found = dockerfile.stream().filter(l -> l.startsWith(name + " ")).toList();
    assertThat(found).as(name).hasSize(1);
    return found.get(0).substring(name.length() + 1).strip();
  }

  private static Element child(Element parent, String... path) {
    Element e = parent;
    for (String name : path) {
      Element next = null;
      for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element c && c.getTagName().equals(name)) {
          next = c;
        }
      }
      assertThat(next).as("<%s> in <%s>", name, e.getTagName()).isNotNull();
      e = next;
    }
    return e;
  }

  private static String text(Element parent, String name) {
    return child(parent, name).getTextContent().strip();
  }

  private static List<String> texts(Element parent, String name) {
    List<String> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        out.add(c.getTextContent().strip());
      }
    }
    return out;
  }
}
