package io.kubestate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.kubestate.source.ApiRequests;
import io.kubestate.telemetry.MetricsAccess;
import io.kubestate.telemetry.Telemetry;
import io.kubestate.telemetry.TelemetrySettings;
import io.kubestate.testing.Ports;
import io.kubestate.testing.Scrape;
import io.opentelemetry.api.metrics.ObservableLongGauge;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --metrics-auth=kubernetes} against the API mock server, which answers TokenReviews and
 * SubjectAccessReviews as an API server would: token {@code reader} is alice, who may get
 * /metrics; token {@code nobody} is bob, who may not; any other token is not authenticated.
 */
@EnableKubernetesMockClient
class KubernetesAuthTest {
  private static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
  private static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  KubernetesMockServer server;
  KubernetesClient client;
  private final List<TokenReview> tokenReviews = new CopyOnWriteArrayList<>();
  private final List<SubjectAccessReview> accessReviews = new CopyOnWriteArrayList<>();
  private Telemetry telemetry;
  private ObservableLongGauge probe;
  private int port;

  @BeforeEach
  void answerReviews() {
    server.expect().post().withPath(TOKEN_REVIEWS).andReply(201, request -> {
      TokenReview review = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
      tokenReviews.add(review);
      String user = switch (review.getSpec().getToken()) {
        case "reader" -> "alice";
        case "nobody" -> "bob";
        default -> null;
      };
      review.setStatus(user == null ? new TokenReviewStatusBuilder().withAuthenticated(false).build()
          : new TokenReviewStatusBuilder().withAuthenticated(true).withNewUser().withUsername(user)
              .withGroups("system:authenticated").endUser().build());
      return review;
    }).always();
    server.expect().post().withPath(ACCESS_REVIEWS).andReply(201, request -> {
      SubjectAccessReview review = Serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
      accessReviews.add(review);
      boolean allowed = review.getSpec().getUser().equals("alice")
          && review.getSpec().getNonResourceAttributes().getPath().equals("/metrics")
          && review.getSpec().getNonResourceAttributes().getVerb().equals("get");
      review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(allowed).build());
      return review;
    }).always();
  }

  @AfterEach
  void close() {
    if (probe != null) {
      probe.close();
    }
    if (telemetry != null) {
      telemetry.close();
    }
  }

  @Test
  void withoutATokenTheAnswerIs401() throws Exception {
    start(client);

    HttpResponse<String> r = get(null);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"kube-state-otel\"");
    assertThat(r.body()).doesNotContain("auth_probe");
    assertThat(tokenReviews).isEmpty();
  }

  @Test
  void aTokenTheApiDoesNotAuthenticateGets401() throws Exception {
    start(client);

    HttpResponse<String> r = get("forged");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).isEqualTo("Unauthorized: the token is not valid\n");
    assertThat(tokenReviews).singleElement().satisfies(t -> assertThat(t.getSpec().getToken()).isEqualTo("forged"));
    assertThat(accessReviews).isEmpty();
  }

  @Test
  void someoneWithoutThePermissionGets403() throws Exception {
    start(client);

    HttpResponse<String> r = get("nobody");

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("user \"bob\" may not get the non-resource URL /metrics");
    assertThat(accessReviews).singleElement().satisfies(a -> {
      assertThat(a.getSpec().getUser()).isEqualTo("bob");
      assertThat(a.getSpec().getGroups()).containsExactly("system:authenticated");
    });
  }

  @Test
  void someoneAllowedToGetMetricsReadsThemAndOneReviewServesManyScrapes() throws Exception {
    start(client);

    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = get("reader");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("auth_probe 3");
    }

    assertThat(tokenReviews).hasSize(1);
    assertThat(accessReviews).hasSize(1);
  }

  @Test
  void refusalsAreCountedInTheSelfMetrics() throws Exception {
    start(client);
    get(null);
    get("forged");
    get("nobody");
    get("nobody");

    String exposition = get("reader").body();

    assertThat(Scrape.samples(exposition, "kube_state_otel_scrapes_denied_total"))
        .containsExactlyInAnyOrder("kube_state_otel_scrapes_denied_total{code=\"401\"} 2",
            "kube_state_otel_scrapes_denied_total{code=\"403\"} 2");
  }

  @Test
  void whenTheApiCannotBeReachedAnUnknownTokenGets503() throws Exception {
    KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
        .withMasterUrl("http://127.0.0.1:" + Ports.free()).withRequestRetryBackoffLimit(0).build()).build();
    try {
      start(unreachable);

      HttpResponse<String> r = get("reader");

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).doesNotContain("auth_probe");
    } finally {
      unreachable.close();
    }
  }

  private void start(KubernetesClient reviews) {
    KubernetesAuth auth = new KubernetesAuth(reviews);
    telemetry = Telemetry.start(new TelemetrySettings("127.0.0.1", 0, 100, null, "1.2.3", "instance-1", Map.of(),
        new MetricsAccess(null, auth)));
    SelfTelemetry self = SelfTelemetry.register(telemetry.meter(SelfTelemetry.SCOPE, "1.2.3"), new ApiRequests(),
        "1.2.3");
    self.denials(auth::denials);
    probe = telemetry.meter("auth.test", "1").gaugeBuilder("auth.probe").ofLongs().buildWithCallback(m -> m.record(3));
    port = telemetry.prometheusPort();
  }

  private HttpResponse<String> get(String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(30));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
