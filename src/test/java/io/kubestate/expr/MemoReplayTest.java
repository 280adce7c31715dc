package io.kubestate.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kubestate.config.ConfigLoader;
import io.kubestate.config.Problems;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A memoized collection replays an unchanged object's samples (the same {@link Sample}
 * the sink made of it) wherever the source now lists it, evaluates new and changed objects,
 * and forgets deleted ones.
 */
class MemoReplayTest {
  private static final String CONFIG = """
      kind: MetricsConfig
      resources:
        - group: example.com
          version: v1
          kind: Widget
          attributes: {name: metadata.name}
          families:
            - name: widget.info
              type: info
            - name: widget.size
              type: gauge
              value: spec.size
      """;

  private KindMetrics kind;
  private Memo memo;

  @BeforeEach
  void compile() {
    Problems problems = new Problems();
    kind = Compiler.compile(ConfigLoader.parse("widgets.yaml", CONFIG, problems)).kinds().get(0);
    assertThat(problems.list()).isEmpty();
    memo = kind.newMemo();
  }

  private static Map<String, Object> widget(String name, int size) {
    return Map.of("metadata", Map.of("name", name), "spec", Map.of("size", size));
  }

  private static List<Map<String, Object>> widgets(int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(widget("w" + i, i));
    }
    return out;
  }

  /**
   * Collects; returns per object (by instance) the samples it got. The sink keeps a sample of its
   * own for each one recorded, as the real sink does; a replayed sample is that one.
   */
  private Map<Map<String, Object>, List<Sample>> collect(List<Map<String, Object>> objects) {
    Recording sink = new Recording();
    kind.collect(objects, Collected.NOW, memo, sink);
    Map<String, Map<String, Object>> byName = new HashMap<>();
    objects.forEach(o -> byName.put(name(o), o));
    Map<Map<String, Object>, List<Sample>> out = new IdentityHashMap<>();
    for (Sample s : sink.samples) {
      out.computeIfAbsent(byName.get(s.values()[0]), o -> new ArrayList<>()).add(s);
    }
    fresh = sink.fresh;
    return out;
  }

  /** Samples recorded at the last collection: evaluated, not replayed. */
  private Set<Sample> fresh;

  @SuppressWarnings("unchecked")
  private static String name(Map<String, Object> o) {
    return (String) ((Map<String, Object>) o.get("metadata")).get("name");
  }

  private static void assertReplayed(Map<Map<String, Object>, List<Sample>> before,
      Map<Map<String, Object>, List<Sample>> after, Map<String, Object> object) {
    assertThat(after.get(object)).as(name(object)).hasSize(2);
    for (int i = 0; i < 2; i++) {
      assertThat(after.get(object).get(i)).as(name(object)).isSameAs(before.get(object).get(i));
    }
  }

  /** The samples a user would read: the same whether replayed or evaluated. */
  private static void assertValues(Map<Map<String, Object>, List<Sample>> got, Map<String, Object> object,
      double size) {
    assertThat(got.get(object)).as(name(object)).extracting(s -> s.family().name(), Sample::value)
        .containsExactly(tuple("widget.info", 1.0), tuple("widget.size", size));
  }

  @Test
  void unchangedObjectsAreReplayedAfterInsertionsDeletionsAndChanges() {
    List<Map<String, Object>> objects = widgets(200);
    var first = collect(objects);

    List<Map<String, Object>> next = new ArrayList<>(objects);
    next.remove(10); // one deleted
    next.subList(50, 70).clear(); // a run of deletions longer than the cursor looks ahead
    next.add(5, widget("new-1", 1)); // inserted
    next.set(100, widget(name(next.get(100)), 1000)); // changed in place
    for (int i = 120; i < 140; i++) { // a run of changes
      next.set(i, widget(name(next.get(i)), -i));
    }
    var second = collect(next);

    for (Map<String, Object> o : next) {
      if (first.containsKey(o)) {
        assertReplayed(first, second, o);
      } else {
        assertThat(second.get(o)).as(name(o)).hasSize(2).allSatisfy(s -> assertThat(fresh).contains(s));
      }
    }
    assertValues(second, next.get(100), 1000);
    assertValues(second, next.get(130), -130);
    assertValues(second, next.get(5), 1);
    assertThat(second).hasSize(next.size());
  }

  @Test
  void anyNewOrderGivesTheSameSamplesAndReplaysMostObjects() {
    List<Map<String, Object>> objects = widgets(1000);
    var first = collect(objects);
    List<Map<String, Object>> shuffled = new ArrayList<>(objects);
    Collections.shuffle(shuffled, new Random(7));
    var second = collect(shuffled);
    for (int i = 0; i < objects.size(); i++) {
      assertValues(second, objects.get(i), i);
    }
    // Those met before the walk gives up on the order are evaluated again; the rest are replayed.
    assertThat(fresh.size() / 2).isLessThanOrEqualTo(100);

    Collections.reverse(shuffled);
    var third = collect(shuffled);
    for (int i = 0; i < objects.size(); i++) {
      assertValues(third, objects.get(i), i);
    }
    assertThat(fresh.size() / 2).isLessThanOrEqualTo(100);
  }

  @Test
  void deletedObjectsAreForgotten() {
    List<Map<String, Object>> objects = widgets(20);
    collect(objects);
    var none = collect(List.of());
    assertThat(none).isEmpty();
    // Back again as the same instances: nothing was kept for them, so they are evaluated anew.
    var again = collect(objects);
    objects.forEach(o -> assertThat(again.get(o)).hasSize(2).allSatisfy(s -> assertThat(fresh).contains(s)));
  }

  @Test
  void aChangedObjectsSampleWithTheSameAttributesIsOfferedBackForReuse() {
    List<Map<String, Object>> objects = widgets(3);
    var first = collect(objects);
    List<Map<String, Object>> next = new ArrayList<>(objects);
    next.set(1, widget("w1", 42));
    Recording sink = new Recording();
    kind.collect(next, Collected.NOW, memo, sink);

    // Both families are evaluated again; each sample keeps its attributes (name=w1), so the sink is
    // offered the one it kept before, whatever the value now is.
    assertThat(sink.offered).containsExactly(first.get(objects.get(1)).get(0), first.get(objects.get(1)).get(1));
    assertThat(sink.samples).filteredOn(s -> s.values()[0].equals("w1"))
        .extracting(s -> s.family().name(), Sample::value)
        .containsExactly(tuple("widget.info", 1.0), tuple("widget.size", 42.0));
  }

  private static final class Recording implements MemoSink {
    final List<Sample> offered = new ArrayList<>();
    final List<Sample> samples = new ArrayList<>();
    final Set<Sample> fresh = Collections.newSetFromMap(new IdentityHashMap<>());

    @Override
    public Sample record(CompiledFamily family, String[] values, String[] extra, double value,
        Sample same) {
      if (same != null) {
        offered.add(same);
      }
      Sample kept = Sample.of(family, values, extra, value);
      samples.add(kept);
      fresh.add(kept);
      return kept;
    }

    @Override
    public void replay(Sample kept) {
      samples.add(kept);
    }

    @Override
    public void sample(CompiledFamily family, String[] values, String[] extra, double value) {
      throw new AssertionError("no aggregated family here");
    }

    @Override
    public void problem(CompiledFamily family, String reason, String message) {
      throw new AssertionError(family.name() + ": " + reason + ": " + message);
    }
  }
}
