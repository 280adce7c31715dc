package io.kubestate.telemetry;

/** The Prometheus exposition formats, chosen by the scraper's Accept header. */
public enum ExpositionFormat {
  TEXT("text/plain; version=0.0.4; charset=utf-8"),
  OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

  private final String contentType;

  ExpositionFormat(String contentType) {
    this.contentType = contentType;
  }

  public String contentType() {
    return contentType;
  }

  /** OpenMetrics when the scraper accepts it (Prometheus asks for it first), the classic text otherwise. */
  public static ExpositionFormat negotiate(String accept) {
    if (accept != null) {
      for (String part : accept.split(",")) {
        if (part.strip().startsWith("application/openmetrics-text")) {
          return OPENMETRICS;
        }
      }
    }
    return TEXT;
  }
}
