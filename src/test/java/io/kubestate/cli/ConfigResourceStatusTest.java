package io.kubestate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubestate.source.ConfigResource;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A status is written once per change: recomputed before the resource shows the last write (its
 * watch event not yet in), it must equal that write, not differ by a transition time a second later.
 */
class ConfigResourceStatusTest {
  private static final ConfigResourceStatus ACCEPTED =
      new ConfigResourceStatus(true, "Accepted", "measuring 1 family", List.of(), 1);

  @Test
  void aStatusRecomputedBeforeItsWriteComesBackKeepsItsTransitionTime() {
    ConfigResource unseen = new ConfigResource("team-a", "ci", 1, "2026-01-05T10:00:00Z", Map.of(), Map.of());
    Map<String, Object> written = ACCEPTED.toMap(unseen, null, Instant.parse("2026-01-05T10:00:01.900Z"));
    Map<String, Object> again = ACCEPTED.toMap(unseen, written, Instant.parse("2026-01-05T10:00:02.100Z"));
    assertThat(StatusComparison.same(again, written)).as("%s against %s", again, written).isTrue();
  }

  @Test
  void aConditionThatTurnsTakesTheTimeItTurned() {
    ConfigResource seen = new ConfigResource("team-a", "ci", 2, "2026-01-05T10:00:00Z", Map.of(),
        ACCEPTED.toMap(new ConfigResource("team-a", "ci", 1, null, Map.of(), Map.of()), null,
            Instant.parse("2026-01-05T10:00:01Z")));
    ConfigResourceStatus refused = new ConfigResourceStatus(false, "Invalid", "1 problem", List.of(), 0);
    Map<String, Object> status = refused.toMap(seen, seen.status(), Instant.parse("2026-01-05T10:05:00Z"));
    assertThat(status.get("conditions").toString()).contains("lastTransitionTime=2026-01-05T10:05:00Z")
        .contains("status=False");
  }
}
