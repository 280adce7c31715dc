package io.kubestate.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kubestate.config.Conversion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void automaticConversionCoversNumbersBooleansConditionStatusesAndTimestamps() {
    assertThat(Values.toDouble(3, Conversion.AUTO)).isEqualTo(3);
    assertThat(Values.toDouble(2.5, Conversion.AUTO)).isEqualTo(2.5);
    assertThat(Values.toDouble("42", Conversion.AUTO)).isEqualTo(42);
    assertThat(Values.toDouble(true, Conversion.AUTO)).isEqualTo(1);
    assertThat(Values.toDouble("True", Conversion.AUTO)).isEqualTo(1);
    assertThat(Values.toDouble("False", Conversion.AUTO)).isEqualTo(0);
    assertThat(Values.toDouble("Unknown", Conversion.AUTO)).isEqualTo(0);
    assertThat(Values.toDouble("yes", Conversion.AUTO)).isEqualTo(1);
    assertThat(Values.toDouble("2026-08-24T09:14:02Z", Conversion.AUTO)).isEqualTo(1787562842);
  }

  @Test
  void timestampsKeepSubSecondPrecisionAndOffsets() {
    assertThat(Values.toDouble("2026-08-24T09:14:02.250Z", Conversion.TIMESTAMP)).isEqualTo(1787562842.25);
    assertThat(Values.toDouble("2026-08-24T11:14:02+02:00", Conversion.TIMESTAMP)).isEqualTo(1787562842);
  }

  @Test
  void durationsParseAsDurations() {
    assertThat(Values.toDouble("5m", Conversion.DURATION)).isEqualTo(300);
    assertThat(Values.toDouble("1h30m", Conversion.DURATION)).isEqualTo(5400);
    assertThat(Values.toDouble("2h0m0s", Conversion.DURATION)).isEqualTo(7200);
    assertThat(Values.toDouble("250ms", Conversion.DURATION)).isCloseTo(0.25, within(1e-12));
    assertThat(Values.toDouble("PT1M", Conversion.DURATION)).isEqualTo(60);
    assertThat(Values.toDouble(12, Conversion.DURATION)).isEqualTo(12);
  }

  @Test
  void whatCannotBeANumberIsAnEvaluationErrorWithAReason() {
    assertThatThrownBy(() -> Values.toDouble("fast", Conversion.AUTO))
        .isInstanceOfSatisfying(EvaluationException.class, e -> assertThat(e.reason()).isEqualTo("not_a_number"));
    assertThatThrownBy(() -> Values.toDouble(Map.of("a", 1), Conversion.AUTO))
        .isInstanceOfSatisfying(EvaluationException.class, e -> assertThat(e.reason()).isEqualTo("not_a_scalar"));
    assertThatThrownBy(() -> Values.toDouble("maybe", Conversion.BOOLEAN))
        .isInstanceOfSatisfying(EvaluationException.class, e -> assertThat(e.reason()).isEqualTo("not_a_boolean"));
    assertThatThrownBy(() -> Values.toDouble("yesterday", Conversion.TIMESTAMP))
        .isInstanceOfSatisfying(EvaluationException.class, e -> assertThat(e.reason()).isEqualTo("not_a_timestamp"));
    assertThatThrownBy(() -> Values.toDouble("5 minutes", Conversion.DURATION))
        .isInstanceOfSatisfying(EvaluationException.class, e -> assertThat(e.reason()).isEqualTo("not_a_duration"));
  }

  @Test
  void attributesAreScalarsPrintedPlainly() {
    assertThat(Values.toAttribute("x")).isEqualTo("x");
    assertThat(Values.toAttribute(3)).isEqualTo("3");
    assertThat(Values.toAttribute(3.0)).isEqualTo("3");
    assertThat(Values.toAttribute(0.5)).isEqualTo("0.5");
    assertThat(Values.toAttribute(false)).isEqualTo("false");
    assertThat(Values.toAttribute(null)).isNull();
    assertThatThrownBy(() -> Values.toAttribute(List.of(1))).isInstanceOf(EvaluationException.class);
  }

  @Test
  void quantitiesPercentagesAndUnambiguousDurationsConvertAutomatically() {
    assertThat(Values.toDouble("512Mi", Conversion.AUTO)).isEqualTo(512 * 1024 * 1024);
    assertThat(Values.toDouble("1.5G", Conversion.AUTO)).isEqualTo(1.5e9);
    assertThat(Values.toDouble("2e3", Conversion.AUTO)).isEqualTo(2000);
    assertThat(Values.toDouble("50%", Conversion.AUTO)).isEqualTo(0.5);
    assertThat(Values.toDouble("1h30m", Conversion.AUTO)).isEqualTo(5400);
    assertThat(Values.toDouble("30s", Conversion.AUTO)).isEqualTo(30);
    assertThatThrownBy(() -> Values.toDouble("5m", Conversion.AUTO))
        .isInstanceOfSatisfying(EvaluationException.class, e -> assertThat(e.reason()).isEqualTo("ambiguous_value"))
        .hasMessageContaining("as: quantity or as: duration");
    assertThat(Values.toDouble("250m", Conversion.QUANTITY)).isEqualTo(0.25);
    assertThat(Values.toDouble("5m", Conversion.DURATION)).isEqualTo(300);
  }

  @Test
  void kubeStateMetricsConversionKeepsItsQuirks() {
    assertThat(Values.toDouble("5m", Conversion.KUBE_STATE_METRICS)).isEqualTo(0.005);
    assertThat(Values.toDouble("2026-08-24T09:14:02.750Z", Conversion.KUBE_STATE_METRICS)).isEqualTo(1787562842);
    assertThat(Values.toDouble("Unknown", Conversion.KUBE_STATE_METRICS)).isEqualTo(0);
    assertThat(Values.toDouble("YES", Conversion.KUBE_STATE_METRICS)).isEqualTo(1);
    assertThat(Values.toDouble("12.5%", Conversion.KUBE_STATE_METRICS)).isEqualTo(0.125);
    assertThat(Values.toDouble("1Ki", Conversion.KUBE_STATE_METRICS)).isEqualTo(1024);
    assertThatThrownBy(() -> Values.toDouble("1h", Conversion.KUBE_STATE_METRICS))
        .isInstanceOf(EvaluationException.class);
  }
}
