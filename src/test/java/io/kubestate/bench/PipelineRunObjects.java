package io.kubestate.bench;

import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Tekton PipelineRuns (tekton.dev/v1) as JSON, each made from its index alone, so that a server can
 * answer any page of 100,000 of them without holding them: the same index always gives the same
 * object. They look like runs that Pipelines as Code starts for a Konflux-style tenant (labels,
 * annotations, two managedFields entries, params, seven child TaskRuns, results), about 2.5 KB each,
 * and are spread over {@link #NAMESPACES} namespaces and over the states a cluster holds: mostly
 * succeeded, some failed, cancelled or timed out, some running and a few pending in a queue.
 */
final class PipelineRunObjects {
  static final int NAMESPACES = 500;
  /** The resourceVersion of object {@code i} is this plus {@code i}; changes count on from the end. */
  static final long FIRST_VERSION = 1_000_000;

  private static final long NOW = Instant.parse("2026-08-24T12:00:00Z").getEpochSecond();
  private static final String[] APPS = {"billing", "ledger", "payments", "catalog", "checkout", "search", "identity",
      "notify", "orders", "pricing", "reports", "shipping", "inventory", "gateway", "profile", "media", "audit",
      "ratings", "loyalty", "fraud", "tax", "quotes", "returns", "support", "metrics"};
  private static final String[] COMPONENTS = {"api", "ui", "worker", "operator"};
  private static final String[] PIPELINES = {"docker-build-oci-ta", "docker-build", "fbc-builder",
      "tekton-bundle-builder", "java-builder"};
  private static final String[] TASKS = {"init", "clone", "prefetch", "build", "index", "scan", "sbom"};
  private static final String HEX = "0123456789abcdef";
  private static final String BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

  /** The state a run is in; how many of each a cluster holds is set in {@link #state}. */
  enum State { SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, RUNNING, PENDING }

  private PipelineRunObjects() {}

  static String namespace(int i) {
    int ns = i % NAMESPACES;
    return APPS[ns % APPS.length] + "-tenant-" + ns / APPS.length;
  }

  static int namespaceIndex(String namespace) {
    for (int ns = 0; ns < NAMESPACES; ns++) {
      if (namespace(ns).equals(namespace)) {
        return ns;
      }
    }
    return -1;
  }

  static State state(int i) {
    return stateOf(random(i).nextInt(100));
  }

  private static State stateOf(int u) {
    return u < 68 ? State.SUCCEEDED : u < 80 ? State.FAILED : u < 83 ? State.CANCELLED : u < 85 ? State.TIMED_OUT
        : u < 95 ? State.RUNNING : State.PENDING;
  }

  private static SplittableRandom random(int i) {
    return new SplittableRandom(0x5eed_0000_0000L + i);
  }

  /** Object {@code i} as the cluster first holds it. */
  static String json(int i) {
    return json(i, FIRST_VERSION + i, false);
  }

  /**
   * Object {@code i}; {@code completed} gives a running or pending run as the Tekton controller
   * leaves it once it has succeeded, at the given resourceVersion.
   */
  static String json(int i, long resourceVersion, boolean completed) {
    SplittableRandom r = random(i);
    State state = stateOf(r.nextInt(100));
    if (completed && (state == State.RUNNING || state == State.PENDING)) {
      state = State.SUCCEEDED;
    }
    String ns = namespace(i);
    String app = APPS[(i % NAMESPACES) % APPS.length];
    String component = app + "-" + COMPONENTS[r.nextInt(COMPONENTS.length)];
    String pipeline = PIPELINES[r.nextInt(PIPELINES.length)];
    boolean push = r.nextInt(10) < 6;
    String name = component + "-on-" + (push ? "push" : "pull-request") + "-" + suffix(i, r);
    String sha = hex(r, 40);
    long created = NOW - r.nextInt(30 * 24 * 3600);
    long started = created + 1 + r.nextInt(20);
    long finished = started + 120 + r.nextInt(1800);
    boolean pending = state == State.PENDING;
    boolean done = state != State.RUNNING && !pending;
    String image = "quay.io/example-org/" + component + ":" + (push ? "" : "on-pr-") + sha;

    StringBuilder b = new StringBuilder(3000);
    b.append("{\"apiVersion\":\"tekton.dev/v1\",\"kind\":\"PipelineRun\",\"metadata\":{");
    b.append("\"name\":").append(q(name)).append(",\"namespace\":").append(q(ns));
    b.append(",\"uid\":").append(q(uuid(r))).append(",\"resourceVersion\":").append(q(Long.toString(resourceVersion)));
    b.append(",\"generation\":").append(pending ? 1 : 2);
    b.append(",\"creationTimestamp\":").append(q(time(created)));
    b.append(",\"labels\":{\"tekton.dev/pipeline\":").append(q(pipeline));
    b.append(",\"app.kubernetes.io/managed-by\":\"pipelinesascode.tekton.dev\"");
    b.append(",\"pipelinesascode.tekton.dev/event-type\":").append(q(push ? "push" : "pull_request"));
    b.append(",\"appstudio.openshift.io/application\":").append(q(app));
    b.append(",\"appstudio.openshift.io/component\":").append(q(component));
    b.append(",\"kueue.x-k8s.io/queue-name\":\"pipelines-queue\"}");
    b.append(",\"annotations\":{\"pipelinesascode.tekton.dev/git-provider\":\"github\"");
    b.append(",\"chains.tekton.dev/signed\":").append(q(done ? "true" : "false")).append('}');
    managedFields(b, created, done ? finished : started, pending);
    b.append("},\"spec\":{\"pipelineRef\":{\"name\":").append(q(pipeline)).append('}');
    b.append(",\"params\":[");
    param(b, "git-url", "https://github.com/example-org/" + component).append(',');
    param(b, "revision", sha).append(',');
    param(b, "output-image", image).append(']');
    if (pending) {
      b.append(",\"status\":\"PipelineRunPending\"");
    }
    b.append(",\"taskRunTemplate\":{\"serviceAccountName\":").append(q("build-pipeline-" + component)).append('}');
    b.append(",\"timeouts\":{\"pipeline\":\"2h0m0s\"}},\"status\":{");
    if (!pending) {
      b.append("\"startTime\":").append(q(time(started))).append(',');
    }
    if (done) {
      b.append("\"completionTime\":").append(q(time(finished))).append(',');
    }
    b.append("\"conditions\":[");
    switch (state) {
      case SUCCEEDED -> condition(b, "True", push ? "Succeeded" : "Completed",
          "Tasks Completed: 7 (Failed: 0, Cancelled 0), Skipped: 0", finished);
      case FAILED -> condition(b, "False", "Failed", "Tasks Completed: 5 (Failed: 1, Cancelled 0), Skipped: 2",
          finished);
      case CANCELLED -> condition(b, "False", "Cancelled",
          "PipelineRun \"" + name + "\" was cancelled", finished);
      case TIMED_OUT -> condition(b, "False", "PipelineRunTimeout",
          "PipelineRun \"" + name + "\" failed to finish within \"2h0m0s\"", finished);
      case RUNNING -> condition(b, "Unknown", "Running",
          "Tasks Completed: 3 (Failed: 0, Cancelled 0), Incomplete: 4, Skipped: 0", started + 60);
      case PENDING -> condition(b, "Unknown", "PipelineRunPending",
          "PipelineRun \"" + name + "\" is pending", created + 1);
    }
    b.append(']');
    if (!pending) {
      b.append(",\"childReferences\":[");
      int children = done ? TASKS.length : 4;
      for (int t = 0; t < children; t++) {
        b.append(t == 0 ? "" : ",").append("{\"apiVersion\":\"tekton.dev/v1\",\"kind\":\"TaskRun\",\"name\":")
            .append(q(name + "-" + TASKS[t])).append(",\"pipelineTaskName\":").append(q(TASKS[t])).append('}');
      }
      b.append(']');
    }
    if (state == State.SUCCEEDED) {
      b.append(",\"results\":[{\"name\":\"IMAGE_DIGEST\",\"value\":").append(q("sha256:" + hex(r, 64)))
          .append("}]");
    }
    b.append("}}");
    return b.toString();
  }

  private static void managedFields(StringBuilder b, long created, long updated, boolean pending) {
    b.append(",\"managedFields\":[{\"manager\":\"pipelines-as-code-controller\",\"operation\":\"Update\"")
        .append(",\"apiVersion\":\"tekton.dev/v1\",\"time\":").append(q(time(created)))
        .append(",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\".\":{},")
        .append("\"f:tekton.dev/pipeline\":{}}},\"f:spec\":{\".\":{},\"f:params\":{},\"f:pipelineRef\":{}}}}");
    if (!pending) {
      b.append(",{\"manager\":\"tekton-pipelines-controller\",\"operation\":\"Update\"")
          .append(",\"apiVersion\":\"tekton.dev/v1\",\"time\":").append(q(time(updated)))
          .append(",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:status\":{\".\":{},\"f:childReferences\":{},")
          .append("\"f:completionTime\":{},\"f:conditions\":{},\"f:results\":{},\"f:startTime\":{}}}")
          .append(",\"subresource\":\"status\"}");
    }
    b.append(']');
  }

  private static StringBuilder param(StringBuilder b, String name, String value) {
    return b.append("{\"name\":").append(q(name)).append(",\"value\":").append(q(value)).append('}');
  }

  private static void condition(StringBuilder b, String status, String reason, String message, long at) {
    b.append("{\"type\":\"Succeeded\",\"status\":").append(q(status)).append(",\"reason\":").append(q(reason))
        .append(",\"message\":").append(q(message)).append(",\"lastTransitionTime\":").append(q(time(at)))
        .append('}');
  }

  /** Unique per index (its base-36 digits), behind one random letter as generated names have. */
  private static String suffix(int i, SplittableRandom r) {
    StringBuilder s = new StringBuilder().append(BASE36.charAt(10 + r.nextInt(26)));
    String digits = Integer.toString(i, 36);
    s.append("0".repeat(Math.max(0, 4 - digits.length()))).append(digits);
    return s.toString();
  }

  private static String uuid(SplittableRandom r) {
    return new java.util.UUID((r.nextLong() & ~0xF000L) | 0x4000L,
        (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L).toString();
  }

  private static String hex(SplittableRandom r, int length) {
    char[] c = new char[length];
    for (int k = 0; k < length; k++) {
      c[k] = HEX.charAt(r.nextInt(16));
    }
    return new String(c);
  }

  static String time(long epochSecond) {
    return Instant.ofEpochSecond(epochSecond).toString();
  }

  /** A JSON string; the values here hold quotes but nothing else that needs escaping. */
  private static String q(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
