package io.kubestate.demo;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatusBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * TokenReviews and SubjectAccessReviews as a real API server answers them, for two accounts made up
 * at start: one allowed to get the non-resource URL /metrics, one that is not. Every other token
 * is not authenticated. So the demo shows a secured metrics endpoint without a cluster.
 */
final class DemoReviews {
  static final String READER = "system:serviceaccount:monitoring:prometheus";
  static final String UNPRIVILEGED = "system:serviceaccount:default:default";
  private static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
  private static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

  private final String readerToken = "demo-reader-" + UUID.randomUUID();
  private final String unprivilegedToken = "demo-unprivileged-" + UUID.randomUUID();

  String readerToken() {
    return readerToken;
  }

  String unprivilegedToken() {
    return unprivilegedToken;
  }

  /** The answer to a review, or null for any other request. */
  MockResponse answer(RecordedRequest request) {
    if (request.method() != HttpMethod.POST) {
      return null;
    }
    String path = request.getPath();
    int query = path.indexOf('?');
    path = query < 0 ? path : path.substring(0, query);
    if (path.equals(TOKEN_REVIEWS)) {
      TokenReview review = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
      String token = review.getSpec() == null ? null : review.getSpec().getToken();
      String user = readerToken.equals(token) ? READER : unprivilegedToken.equals(token) ? UNPRIVILEGED : null;
      review.setStatus(user == null
          ? new TokenReviewStatusBuilder().withAuthenticated(false).withError("invalid bearer token").build()
          : new TokenReviewStatusBuilder().withAuthenticated(true).withNewUser().withUsername(user)
              .withUid(UUID.nameUUIDFromBytes(user.getBytes(StandardCharsets.UTF_8)).toString())
              .withGroups(List.of("system:serviceaccounts", "system:authenticated")).endUser().build());
      return created(review);
    }
    if (path.equals(ACCESS_REVIEWS)) {
      SubjectAccessReview review = Serialization.unmarshal(request.getUtf8Body(), SubjectAccessReview.class);
      var spec = review.getSpec();
      boolean allowed = spec != null && READER.equals(spec.getUser()) && spec.getNonResourceAttributes() != null
          && "/metrics".equals(spec.getNonResourceAttributes().getPath())
          && "get".equals(spec.getNonResourceAttributes().getVerb());
      review.setStatus(new SubjectAccessReviewStatusBuilder().withAllowed(allowed)
          .withReason(allowed ? "the demo lets " + READER + " read /metrics" : "").build());
      return created(review);
    }
    return null;
  }

  private static MockResponse created(Object review) {
    return new MockResponse().setResponseCode(HttpURLConnection.HTTP_CREATED)
        .setHeader("Content-Type", "application/json").setBody(Serialization.asJson(review));
  }
}
