package io.kubestate.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardingTest {
  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  @Test
  void fnv64aMatchesTheReferenceVectors() {
    // From the FNV reference test suite.
    assertThat(Sharding.fnv64a(bytes(""))).isEqualTo(0xcbf29ce484222325L);
    assertThat(Sharding.fnv64a(bytes("a"))).isEqualTo(0xaf63dc4c8601ec8cL);
    assertThat(Sharding.fnv64a(bytes("foobar"))).isEqualTo(0x85944171f73967e8L);
  }

  @Test
  void jumpHashMatchesTheReferenceImplementation() {
    // Bucket for 1, 2, ... buckets, as the paper's C++ code computes them (published with dgryski/go-jump,
    // the implementation kube-state-metrics uses).
    assertBuckets(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertBuckets(1, 0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 17, 17);
    assertBuckets(0xdeadbeefL, 0, 1, 2, 3, 3, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 16, 16, 16);
    assertBuckets(0x0ddc0ffeebadf00dL, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 15, 15, 15, 15);
  }

  private static void assertBuckets(long key, int... expected) {
    for (int i = 0; i < expected.length; i++) {
      assertThat(Sharding.jumpHash(key, i + 1)).as("key %x, %d buckets", key, i + 1).isEqualTo(expected[i]);
    }
  }

  @Test
  void uidsGoToTheShardsKubeStateMetricsGivesThem() {
    // kube-state-metrics' own test: "test_uid" is shard 0 of 2.
    assertThat(new Sharding(0, 2).owns("test_uid")).isTrue();
    assertThat(new Sharding(1, 2).owns("test_uid")).isFalse();
    // Computed apart from this code, by a Python transcription of the algorithm.
    assertThat(Sharding.fnv64a(bytes("test_uid"))).isEqualTo(0x0ec242443e038614L);
    assertThat(Sharding.fnv64a(bytes("f47ac10b-58cc-4372-a567-0e02b2c3d479"))).isEqualTo(0x70ed2686c31eff00L);
    assertShards("f47ac10b-58cc-4372-a567-0e02b2c3d479", 0, 2, 2, 9);
    assertShards("0d9c1f7e-8a2b-4e3c-b5d6-1f2e3d4c5b6a", 0, 0, 4, 8);
    assertShards("6b8c3a1e-2f4d-4c1a-9e0b-7d5f3a2c1b00", 0, 0, 0, 0);
  }

  /** The shard of {@code uid} among 2, 3, 5 and 10 shards. */
  private static void assertShards(String uid, int of2, int of3, int of5, int of10) {
    assertThat(List.of(Sharding.shardOf(uid, 2), Sharding.shardOf(uid, 3), Sharding.shardOf(uid, 5),
        Sharding.shardOf(uid, 10))).as(uid).containsExactly(of2, of3, of5, of10);
  }

  @Test
  void agreesWithAStraightforwardImplementationOnRandomUids() {
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      String uid = new UUID(random.nextLong(), random.nextLong()).toString();
      assertThat(Sharding.fnv64a(bytes(uid))).isEqualTo(fnv64aSlowly(uid).longValue());
      int total = 1 + random.nextInt(64);
      assertThat(Sharding.shardOf(uid, total)).as("%s of %d", uid, total)
          .isEqualTo(jumpHashSlowly(fnv64aSlowly(uid), total));
    }
  }

  /** FNV-1a, 64 bits, in unbounded integers reduced modulo 2^64. */
  private static BigInteger fnv64aSlowly(String s) {
    BigInteger hash = new BigInteger("14695981039346656037");
    for (byte b : bytes(s)) {
      hash = hash.xor(BigInteger.valueOf(b & 0xff)).multiply(BigInteger.valueOf(1099511628211L)).mod(TWO_TO_64);
    }
    return hash;
  }

  /** Jump consistent hash as the paper states it, the key an unsigned integer. */
  private static int jumpHashSlowly(BigInteger key, int buckets) {
    long b = -1;
    long j = 0;
    while (j < buckets) {
      b = j;
      key = key.multiply(new BigInteger("2862933555777941757")).add(BigInteger.ONE).mod(TWO_TO_64);
      // The reference code's order of floating-point operations, on which the result depends.
      j = (long) Math.floor((b + 1) * (Math.pow(2, 31) / (key.shiftRight(33).doubleValue() + 1)));
    }
    return (int) b;
  }

  @Test
  void everyObjectHasExactlyOneShardAndTheShardsAreEven() {
    Random random = new Random(7);
    int total = 3;
    int[] owned = new int[total];
    for (int i = 0; i < 30_000; i++) {
      String uid = new UUID(random.nextLong(), random.nextLong()).toString();
      List<Integer> owners = new ArrayList<>();
      for (int s = 0; s < total; s++) {
        if (new Sharding(s, total).owns(uid)) {
          owners.add(s);
        }
      }
      assertThat(owners).hasSize(1);
      owned[owners.get(0)]++;
    }
    for (int n : owned) {
      assertThat(n).isBetween(9_500, 10_500);
    }
  }

  @Test
  void addingAShardMovesObjectsOnlyToTheNewShard() {
    Random random = new Random(11);
    for (int i = 0; i < 5_000; i++) {
      String uid = new UUID(random.nextLong(), random.nextLong()).toString();
      int before = Sharding.shardOf(uid, 4);
      int after = Sharding.shardOf(uid, 5);
      assertThat(after).isIn(before, 4);
    }
  }

  @Test
  void oneShardKeepsEverything() {
    assertThat(Sharding.NONE.owns("anything")).isTrue();
    assertThat(Sharding.NONE.owns(null)).isTrue();
    assertThat(Sharding.NONE.split()).isFalse();
    // An object without a UID (never from a real API server) still has one owner.
    assertThat(new Sharding(0, 2).owns(null) ^ new Sharding(1, 2).owns(null)).isTrue();
  }

  @Test
  void optionsGiveTheShard() {
    assertThat(Sharding.fromOptions(null, null, false, null)).isEqualTo(Sharding.NONE);
    assertThat(Sharding.fromOptions(null, 1, false, null)).isEqualTo(Sharding.NONE);
    assertThat(Sharding.fromOptions(2, 3, false, "ignored-0")).isEqualTo(new Sharding(2, 3));
    assertThat(Sharding.fromOptions(null, 3, true, "kso-2")).isEqualTo(new Sharding(2, 3));
    assertThat(Sharding.fromOptions(null, 3, true, "kube-state-otel-0")).isEqualTo(new Sharding(0, 3));
    assertThat(Sharding.fromOptions(null, 1, true, "kso-0")).isEqualTo(Sharding.NONE);
  }

  @Test
  void optionsThatDoNotFitTogetherSayWhy() {
    assertRejected(null, 0, false, null, "--total-shards must be at least 1, got 0");
    assertRejected(3, 3, false, null, "--shard must be in [0, 3) for --total-shards 3, got 3");
    assertRejected(-1, 3, false, null, "--shard must be in [0, 3) for --total-shards 3, got -1");
    assertRejected(0, null, false, null, "--shard needs --total-shards");
    assertRejected(null, 3, false, null, "--total-shards 3 needs --shard I (0 to 2) or --auto-shard");
    assertRejected(1, 3, true, "kso-1", "--shard and --auto-shard exclude each other");
    assertRejected(null, null, true, "kso-1", "--auto-shard needs --total-shards N, N being the StatefulSet's replicas");
    assertRejected(null, 3, true, null, "--auto-shard needs the pod's name in the environment variable POD_NAME");
    assertRejected(null, 3, true, " ", "--auto-shard needs the pod's name in the environment variable POD_NAME");
    assertRejected(null, 3, true, "kso-6d4cf56db6-x2x9z",
        "--auto-shard: POD_NAME \"kso-6d4cf56db6-x2x9z\" is not the name of a StatefulSet's pod, NAME-ORDINAL");
    assertRejected(null, 3, true, "kso", "is not the name of a StatefulSet's pod");
    assertRejected(null, 3, true, "kso-3", "--auto-shard: pod kso-3 has the ordinal 3, not below --total-shards 3; "
        + "keep --total-shards equal to the StatefulSet's replicas");
  }

  private static void assertRejected(Integer shard, Integer total, boolean auto, String pod, String message) {
    assertThatThrownBy(() -> Sharding.fromOptions(shard, total, auto, pod))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
