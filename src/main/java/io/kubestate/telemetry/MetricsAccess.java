package io.kubestate.telemetry;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpsConfigurator;

/**
 * Who may read the Prometheus endpoint: over TLS when {@code https} is set (plain HTTP is then not
 * served on that port at all), and through {@code filter} when set, which answers a request it
 * refuses itself.
 *
 * @param https the TLS configuration of every connection, or null for plain HTTP
 * @param filter runs before every request on the port, or null
 */
public record MetricsAccess(HttpsConfigurator https, Filter filter) {
  /** Plain HTTP, open to anyone who reaches the port. */
  public static final MetricsAccess OPEN = new MetricsAccess(null, null);

  public String scheme() {
    return https == null ? "http" : "https";
  }
}
