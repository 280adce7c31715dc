package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.telemetry.SelfMetric;
import io.kubestate.telemetry.SelfMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every name of the exporter's own metrics that the docs, the alerts and the dashboards cite is one
 * the Prometheus endpoint serves, so that a query copied from them finds something.
 */
class SelfMetricNamesCitedTest {
  private static final Pattern CITED = Pattern.compile("kube_state_otel_[a-z_]+");
  private static final List<Path> PLACES = List.of(Path.of("README.md"), Path.of("docs"), Path.of("deploy/alerts"),
      Path.of("deploy/dashboards"));

  @Test
  void everyCitedNameIsServed() throws IOException {
    Set<String> served = new HashSet<>();
    for (SelfMetric m : SelfMetrics.ALL) {
      served.add(m.prometheusName());
      if (m.instrument() == SelfMetric.Instrument.HISTOGRAM) {
        List.of("_bucket", "_sum", "_count").forEach(s -> served.add(m.prometheusName() + s));
      }
    }
    List<String> unknown = new ArrayList<>();
    int cited = 0;
    for (Path place : PLACES) {
      try (Stream<Path> files = Files.walk(place)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          Matcher m = CITED.matcher(Files.readString(file));
          while (m.find()) {
            cited++;
            if (!served.contains(m.group())) {
              unknown.add(file + ": " + m.group());
            }
          }
        }
      }
    }
    assertThat(cited).as("names cited").isPositive();
    assertThat(unknown).as("names the endpoint does not serve").isEmpty();
  }
}
