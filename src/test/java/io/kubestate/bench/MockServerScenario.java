package io.kubestate.bench;

import static io.kubestate.bench.Examples.examples;
import static io.kubestate.bench.Examples.map;
import static io.kubestate.bench.Examples.preset;
import static io.kubestate.bench.Examples.target;
import static io.kubestate.bench.Examples.variant;
import static io.kubestate.bench.Format.max;
import static io.kubestate.bench.Format.median;
import static io.kubestate.bench.Format.ms;
import static io.kubestate.bench.Format.secs;
import static io.kubestate.bench.Heap.gc;
import static io.kubestate.bench.Heap.heapPools;
import static io.kubestate.bench.Http.httpGet;
import static io.kubestate.bench.Pipeline.LIMIT;
import static io.kubestate.bench.Report.progress;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubestate.expr.CompiledConfig;
import io.kubestate.expr.WatchTarget;
import io.kubestate.source.InformerSource;
import io.kubestate.source.Sharding;
import io.kubestate.telemetry.PrometheusReader;
import io.kubestate.telemetry.PrometheusServer;
import io.kubestate.telemetry.StateMetrics;
import io.kubestate.testing.Crds;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.lang.management.MemoryPoolMXBean;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * An initial sync of objects created through fabric8's API mock server (CRUD mode), with its peak
 * heap, and the delay from a status change in the API to the new value at the endpoint.
 */
final class MockServerScenario {
  private final Report report;

  MockServerScenario(Report report) {
    this.report = report;
  }

  void run(int n) throws Exception {
    System.out.printf(Locale.ROOT, "%n== API mock server (CRUD): %,d PipelineRuns%n", n);
    CompiledConfig config = preset("tekton");
    List<Map<String, Object>> examples = examples("tekton", config, "PipelineRun");
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    KubernetesClient client = server.createClient();
    try {
      Crds.installTekton(client);
      KubernetesSerialization serialization = client.getKubernetesSerialization();
      long t0 = System.nanoTime();
      create(client, examples, n);
      report.figure("mock.objects", n);
      report.figure("mock.create_s", secs(System.nanoTime() - t0));

      long baseline = gc();
      List<MemoryPoolMXBean> heapPools = heapPools();
      heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
      PeakSampler sampler = new PeakSampler();
      sampler.start();
      long s0 = System.nanoTime();
      InformerSource source = InformerSource.start(client, config, List.of(), Sharding.NONE);
      WatchTarget runs = target(config, "PipelineRun");
      // ready() alone is true before the first kind is even resolved.
      while (!source.ready() || source.objectCounts().getOrDefault(runs, 0) < n) {
        Thread.sleep(5);
      }
      long syncNanos = System.nanoTime() - s0;
      sampler.stop = true;
      sampler.join();
      long poolPeaks = heapPools.stream().mapToLong(m -> m.getPeakUsage().getUsed()).sum();
      long retained = gc() - baseline;
      report.figure("mock.sync_s", secs(syncNanos));
      report.figure("mock.sync_peak_heap_mb_sampled", (sampler.peak - baseline) >> 20);
      report.figure("mock.sync_peak_heap_mb_pools", (poolPeaks - baseline) >> 20);
      report.figure("mock.retained_bytes_per_object", retained / n);
      report.figure("mock.list_paged", "no (the CRUD mock ignores limit and answers one page)");
      System.out.printf(Locale.ROOT,
          "  synced in %.2f s; peak +%,d MiB over the baseline; %,d bytes retained per object%n", syncNanos / 1e9,
          (sampler.peak - baseline) >> 20, retained / n);

      latency(client, config, source, serialization);
      source.close();
    } finally {
      client.close();
      server.destroy();
    }
  }

  /** Creates {@code n} variants of the examples through the API, on a few threads. */
  private static void create(KubernetesClient client, List<Map<String, Object>> examples, int n) throws Exception {
    KubernetesSerialization serialization = client.getKubernetesSerialization();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> pending = new ArrayList<>();
    int chunk = Math.max(1, n / 16);
    for (int from = 0; from < n; from += chunk) {
      int start = from;
      int end = Math.min(n, from + chunk);
      pending.add(pool.submit(() -> {
        for (int i = start; i < end; i++) {
          Map<String, Object> o = variant(examples.get(i % examples.size()), i, 40);
          map(o, "metadata").remove("resourceVersion");
          GenericKubernetesResource r = serialization.convertValue(o, GenericKubernetesResource.class);
          client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace(r.getMetadata().getNamespace())
              .resource(r).create();
        }
        return null;
      }));
    }
    for (Future<?> f : pending) {
      f.get();
    }
    pool.shutdown();
  }

  @SuppressWarnings("unchecked")
  private void latency(KubernetesClient client, CompiledConfig config, InformerSource source,
      KubernetesSerialization serialization) throws Exception {
    PrometheusReader reader = new PrometheusReader(true);
    SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader, t -> LIMIT).build();
    StateMetrics metrics = StateMetrics.register(provider.get(StateMetrics.SCOPE), config, source, Clock.systemUTC(),
        LIMIT);
    PrometheusServer server = PrometheusServer.start("127.0.0.1", 0, reader);
    try {
      URL url = URI.create("http://127.0.0.1:" + server.port() + "/metrics").toURL();
      long s0 = System.nanoTime();
      httpGet(url);
      long scrape = System.nanoTime() - s0;
      List<GenericKubernetesResource> running = client.genericKubernetesResources(Crds.PIPELINE_RUNS)
          .inAnyNamespace().list().getItems().stream()
          .filter(r -> serialization.asJson(r).contains("\"reason\":\"Running\"")).limit(5).toList();
      long[] delays = new long[running.size()];
      for (int i = 0; i < running.size(); i++) {
        GenericKubernetesResource r = running.get(i);
        Map<String, Object> status = (Map<String, Object>) r.getAdditionalProperties().get("status");
        status.put("completionTime", "2026-08-24T11:59:00Z");
        status.put("conditions", List.of(Map.of("type", "Succeeded", "status", "True", "reason", "Completed",
            "lastTransitionTime", "2026-08-24T11:59:00Z")));
        String needle = "k8s_pipelinerun_name=\"" + r.getMetadata().getName() + "\"";
        long t0 = System.nanoTime();
        client.genericKubernetesResources(Crds.PIPELINE_RUNS).inNamespace(r.getMetadata().getNamespace())
            .resource(r).update();
        while (true) {
          String text = new String(httpGet(url), StandardCharsets.UTF_8);
          if (text.lines().anyMatch(l -> l.startsWith("tekton_pipelinerun_condition{") && l.contains(needle)
              && l.contains("condition_reason=\"Completed\""))) {
            break;
          }
          if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60)) {
            throw new IllegalStateException("the change never showed at the endpoint");
          }
        }
        delays[i] = System.nanoTime() - t0;
        progress("status change to endpoint", i, delays[i], 0);
      }
      report.figure("mock.scrape_ms", ms(scrape));
      report.figure("mock.change_to_endpoint_ms_median", ms(median(delays)));
      report.figure("mock.change_to_endpoint_ms_worst", ms(max(delays)));
    } finally {
      server.close();
      metrics.close();
      provider.close();
    }
  }
}
