package io.kubestate.expr;

/**
 * A value could not be computed for one sample. The sample is skipped and counted under {@link
 * #reason()}; other samples and objects are unaffected.
 */
public final class EvaluationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String reason;

  public EvaluationException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** A short, bounded word for a self-metric attribute: {@code not_a_number}, {@code not_a_scalar}, ... */
  public String reason() {
    return reason;
  }
}
