package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kubestate.e2e.ExternalTools;
import io.kubestate.testing.Exporter;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo as a kubectl playground: the real kubectl, with client-side validation on, through the kubeconfig it writes. */
class DemoKubectlTest {
  private static final String WIDGET_DEFINITION = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.example.com
      spec:
        group: example.com
        scope: Namespaced
        names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget, shortNames: [wd]}
        versions:
          - name: v1
            served: true
            storage: true
            additionalPrinterColumns:
              - {name: Colour, type: string, jsonPath: .spec.colour}
              - {name: Size, type: integer, jsonPath: .spec.size}
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
      """;
  private static final String WIDGET = """
      apiVersion: example.com/v1
      kind: Widget
      metadata: {name: sprocket, namespace: ci}
      spec: {colour: teal, size: 3}
      """;

  @TempDir Path tmp;
  private Path kubectl;
  private Path kubeconfig;
  private int metricsPort;
  private Process process;

  @BeforeEach
  void startDemo() throws Exception {
    kubectl = ExternalTools.require("kubectl", "kubernetes-client");
    kubeconfig = tmp.resolve("demo-kubeconfig");
    metricsPort = Ports.free();
    int telemetry = Ports.free();
    Path log = tmp.resolve("out.log");
    process = Exporter.process("--demo", "--watch-config-resources", "--demo-kubeconfig", kubeconfig.toString(),
            "--metrics-port", Integer.toString(metricsPort),
            "--telemetry-host", "127.0.0.1", "--telemetry-port", Integer.toString(telemetry))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(log).contains("health on :" + telemetry));
    assertThat(Files.readString(log)).contains("KUBECONFIG=" + kubeconfig + " kubectl get pipelineruns -A");
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void kubectlGetsAppliesAndDeletesThroughTheKubeconfigRemovedAtExit() throws Exception {
    assertThat(Files.getPosixFilePermissions(kubeconfig))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    assertThat(succeeds(null, "get", "pipelineruns", "-A"))
        .containsPattern("ci\\s+frontend-on-push-r4m8d").containsPattern("ml-team\\s+forecast-train-h4k8s");

    assertThat(succeeds(WIDGET_DEFINITION, "apply", "-f", "-"))
        .contains("customresourcedefinition.apiextensions.k8s.io/widgets.example.com created");
    assertThat(succeeds(null, "api-resources", "--api-group", "example.com"))
        .containsPattern("widgets\\s+wd\\s+example.com/v1\\s+true\\s+Widget");
    assertThat(succeeds(WIDGET, "apply", "-f", "-")).contains("widget.example.com/sprocket created");
    assertThat(succeeds(WIDGET.replace("teal", "amber"), "apply", "-f", "-"))
        .contains("widget.example.com/sprocket configured");
    assertThat(succeeds(null, "get", "wd", "-n", "ci"))
        .containsPattern("NAME\\s+COLOUR\\s+SIZE")
        .containsPattern("sprocket\\s+amber\\s+3");

    assertThat(succeeds(null, "delete", "widget", "sprocket", "-n", "ci"))
        .contains("widget.example.com \"sprocket\" deleted");
    assertThat(kubectl(null, "get", "widgets", "-n", "ci").stderr()).contains("No resources found in ci namespace");
    assertThat(succeeds(WIDGET_DEFINITION, "delete", "-f", "-")).contains("deleted");
    assertThat(succeeds(null, "api-resources")).doesNotContain("example.com");

    process.destroy();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(kubeconfig).doesNotExist();
  }

  @Test
  void theDocsMetricsConfigIsAppliedAndShowsTheStatusTheExporterWrote() throws Exception {
    assertThat(succeeds(null, "apply", "-f", "deploy/overlays/tenant-configs/metricsconfig-crd.yaml"))
        .contains("metricsconfigs.kubestate.io created");
    assertThat(succeeds(docsExample(), "apply", "-f", "-")).contains("metricsconfig.kubestate.io/pipelines created");

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(succeeds(null, "get", "mc", "-n", "ci"))
        .containsPattern("NAME\\s+READY\\s+REASON\\s+FAMILIES\\s+AGE")
        .containsPattern("pipelines\\s+True\\s+Accepted\\s+2\\s"));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Scrape.text(metricsPort))
        .containsPattern("ci_pipelinerun_state\\{k8s_namespace_name=\"ci\",k8s_pipelinerun_name=\"[^\"]+\""
            + ",state=\"Succeeded\",tekton_pipeline_name=\"docker-build\"}"));
  }

  /** The MetricsConfig of docs/config.md's example, as a reader copies it. */
  private static String docsExample() throws Exception {
    String docs = Files.readString(Path.of("docs/config.md"));
    String section = docs.substring(docs.indexOf("### Example: a Tekton team"));
    int start = section.indexOf("```yaml\n") + "```yaml\n".length();
    return section.substring(start, section.indexOf("```", start));
  }

  private String succeeds(String stdin, String... args) {
    ExternalTools.Result result = kubectl(stdin, args);
    assertThat(result.exitCode()).as("kubectl %s: %s", String.join(" ", args), result.stderr()).isZero();
    return result.stdout();
  }

  private ExternalTools.Result kubectl(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", tmp.resolve("kubectl-cache").toString()));
    command.addAll(List.of(args));
    return ExternalTools.run(command, stdin, Duration.ofSeconds(60));
  }
}
