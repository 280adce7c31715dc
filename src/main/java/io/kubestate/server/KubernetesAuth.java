package io.kubestate.server;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Lets a request through when its bearer token belongs to someone the cluster allows to {@code get}
 * the non-resource URL {@code /metrics}, as the API server itself, kube-rbac-proxy and
 * controller-runtime's metrics filter decide it: a TokenReview, then a SubjectAccessReview. The
 * answer is kept for a minute per token, for a bounded number of tokens, so that a scrape every 15
 * seconds costs no API call. 401 without a valid token, 403 without the permission, 503 when the
 * API cannot answer about a token it has not seen (never 200: an outage must not open the door).
 */
public final class KubernetesAuth extends Filter {
  /** What the SubjectAccessReview asks about. */
  public static final String PATH = "/metrics";
  public static final String VERB = "get";
  static final Duration TTL = Duration.ofMinutes(1);
  static final int MAX_TOKENS = 1024;
  private static final Logger logger = Logger.getLogger(KubernetesAuth.class.getName());
  private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

  /** An answer about one token: the status to give and the body to say it with (200 lets it through). */
  private record Decision(int status, String message, long expiresAt) {}

  private final KubernetesClient client;
  private final LongSupplier nanoClock;
  private final Map<String, Decision> decisions = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Decision> eldest) {
      return size() > MAX_TOKENS;
    }
  };
  private final Map<Integer, LongAdder> denied = new ConcurrentHashMap<>();
  private final AtomicLong lastOutageLog = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  public KubernetesAuth(KubernetesClient client) {
    this(client, System::nanoTime);
  }

  KubernetesAuth(KubernetesClient client, LongSupplier nanoClock) {
    this.client = client;
    this.nanoClock = nanoClock;
  }

  @Override
  public String description() {
    return "Kubernetes TokenReview and SubjectAccessReview for " + VERB + " " + PATH;
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    String token = bearer(exchange.getRequestHeaders().getFirst("Authorization"));
    Decision decision = token == null
        ? new Decision(401, "Unauthorized: send a bearer token (Authorization: Bearer TOKEN)", 0)
        : decide(token);
    if (decision.status() == 200) {
      chain.doFilter(exchange);
      return;
    }
    denied.computeIfAbsent(decision.status(), s -> new LongAdder()).increment();
    try (exchange) {
      byte[] body = (decision.message() + "\n").getBytes(StandardCharsets.UTF_8);
      if (decision.status() == 401) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"kube-state-otel\"");
      }
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(decision.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Requests refused so far, by HTTP status. */
  public Map<Integer, Long> denials() {
    Map<Integer, Long> out = new TreeMap<>();
    denied.forEach((status, n) -> out.put(status, n.sum()));
    return out;
  }

  private Decision decide(String token) {
    String key = digest(token);
    long now = nanoClock.getAsLong();
    synchronized (decisions) {
      Decision known = decisions.get(key);
      if (known != null && known.expiresAt() - now > 0) {
        return known;
      }
    }
    Decision fresh;
    try {
      fresh = review(token, now + TTL.toNanos());
    } catch (KubernetesClientException e) {
      logOutage(e);
      return new Decision(503, "Service Unavailable: the Kubernetes API could not review the token", 0);
    }
    synchronized (decisions) {
      decisions.put(key, fresh);
    }
    return fresh;
  }

  private Decision review(String token, long expiresAt) {
    TokenReview authn = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
        .withNewSpec().withToken(token).endSpec().build());
    TokenReviewStatus status = authn.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated()) || status.getUser() == null) {
      logger.fine(() -> "token not authenticated" + (status == null || status.getError() == null ? ""
          : ": " + status.getError()));
      return new Decision(401, "Unauthorized: the token is not valid", expiresAt);
    }
    UserInfo user = status.getUser();
    SubjectAccessReview authz = client.authorization().v1().subjectAccessReview().create(
        new SubjectAccessReviewBuilder().withNewSpec()
            .withUser(user.getUsername()).withUid(user.getUid()).withGroups(user.getGroups())
            .withExtra(user.getExtra())
            .withNewNonResourceAttributes().withPath(PATH).withVerb(VERB).endNonResourceAttributes()
            .endSpec().build());
    if (authz.getStatus() != null && Boolean.TRUE.equals(authz.getStatus().getAllowed())) {
      return new Decision(200, "", expiresAt);
    }
    logger.fine(() -> user.getUsername() + " may not " + VERB + " " + PATH);
    return new Decision(403, "Forbidden: user \"" + user.getUsername() + "\" may not " + VERB
        + " the non-resource URL " + PATH + " (bind a role granting it)", expiresAt);
  }

  private void logOutage(KubernetesClientException e) {
    long now = System.nanoTime();
    long last = lastOutageLog.get();
    if (now - last < LOG_EVERY_NANOS || !lastOutageLog.compareAndSet(last, now)) {
      return;
    }
    if (e.getCode() == 403) {
      logger.warning("the exporter may not review tokens: grant it create on tokenreviews.authentication.k8s.io"
          + " and subjectaccessreviews.authorization.k8s.io; answering 503 meanwhile (" + e.getMessage() + ")");
    } else {
      logger.warning("cannot review a token with the Kubernetes API, answering 503 to tokens not seen in the last "
          + TTL.toSeconds() + " s: " + e.getMessage());
    }
  }

  /** The token of an {@code Authorization: Bearer} header, or null. */
  static String bearer(String header) {
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).strip();
    return token.isEmpty() ? null : token;
  }

  // Kept as a digest rather than as the token itself, so that a heap dump shows no credentials.
  private static String digest(String token) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
