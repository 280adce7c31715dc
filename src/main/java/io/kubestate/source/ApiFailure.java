package io.kubestate.source;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;

/**
 * A failed API request told in words: the status the API answered, or what kept the request from
 * reaching it. The exception chains of the HTTP client name their internals (a refused connection
 * surfaces as a closed channel), which says nothing to whoever reads the log.
 */
final class ApiFailure {
  private ApiFailure() {}

  /** The HTTP status the API answered, or 0 when the request got no answer. */
  static int code(Throwable t) {
    KubernetesClientException k = apiError(t);
    return k == null ? 0 : k.getCode();
  }

  static KubernetesClientException apiError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getCode() > 0) {
        return k;
      }
    }
    return null;
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  /**
   * One line for the log: "cannot connect to https://HOST:PORT: connection refused", or the
   * status answered with its message.
   *
   * @param server the API server's address, named when the request did not reach it
   */
  static String describe(Throwable t, String server) {
    KubernetesClientException api = apiError(t);
    if (api != null) {
      String message = api.getStatus() != null && api.getStatus().getMessage() != null
          ? api.getStatus().getMessage() : rootMessage(t);
      return "the API answered " + api.getCode() + " (" + message + ")";
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ConnectException) {
        return "cannot connect to " + server + ": connection refused";
      }
      if (c instanceof UnknownHostException) {
        return "cannot connect to " + server + ": unknown host";
      }
      if (c instanceof HttpTimeoutException || c instanceof java.net.SocketTimeoutException) {
        return "cannot connect to " + server + ": timed out";
      }
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof ClosedChannelException || c instanceof IOException && c.getMessage() == null) {
        return "cannot connect to " + server + ": the connection was closed";
      }
    }
    return rootMessage(t);
  }
}
