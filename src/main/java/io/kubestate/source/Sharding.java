package io.kubestate.source;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which objects this replica keeps when several replicas split the objects of a cluster among
 * them. An object belongs to one shard by its UID, as kube-state-metrics assigns it (FNV-64a of
 * the UID, then Google's jump consistent hash), so that both exporters, run side by side with the
 * same number of shards, agree on which replica owns an object.
 *
 * <p>The API cannot filter by this hash: every replica still lists and watches all objects and
 * drops the others before they reach its cache.
 *
 * @param shard this replica's shard, in [0, total)
 * @param total the number of shards; 1 when the objects are not split
 */
public record Sharding(int shard, int total) {
  /** One replica keeps everything. */
  public static final Sharding NONE = new Sharding(0, 1);

  private static final long FNV64_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV64_PRIME = 0x100000001b3L;
  private static final Pattern ORDINAL = Pattern.compile(".+-(\\d{1,9})");

  public Sharding {
    if (total < 1) {
      throw new IllegalArgumentException("--total-shards must be at least 1, got " + total);
    }
    if (shard < 0 || shard >= total) {
      throw new IllegalArgumentException("--shard must be in [0, " + total + ") for --total-shards " + total
          + ", got " + shard);
    }
  }

  /**
   * The sharding the command-line options ask for; null for an option not given.
   *
   * @param podName the pod's name ({@code POD_NAME}), read only with {@code autoShard}
   * @throws IllegalArgumentException a message for the user when the options do not fit together
   */
  public static Sharding fromOptions(Integer shard, Integer total, boolean autoShard, String podName) {
    if (total != null && total < 1) {
      throw new IllegalArgumentException("--total-shards must be at least 1, got " + total);
    }
    if (autoShard) {
      if (shard != null) {
        throw new IllegalArgumentException("--shard and --auto-shard exclude each other: --auto-shard takes the "
            + "shard from the ordinal in the pod's name");
      }
      if (total == null) {
        // kube-state-metrics reads the replicas from the StatefulSet; that takes a get on
        // statefulsets and pods, which this exporter's read-only RBAC does not grant.
        throw new IllegalArgumentException("--auto-shard needs --total-shards N, N being the StatefulSet's replicas");
      }
      if (podName == null || podName.isBlank()) {
        throw new IllegalArgumentException("--auto-shard needs the pod's name in the environment variable POD_NAME "
            + "(from the downward API: fieldRef metadata.name)");
      }
      Matcher m = ORDINAL.matcher(podName.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("--auto-shard: POD_NAME \"" + podName + "\" is not the name of a "
            + "StatefulSet's pod, NAME-ORDINAL");
      }
      int ordinal = Integer.parseInt(m.group(1));
      if (ordinal >= total) {
        throw new IllegalArgumentException("--auto-shard: pod " + podName + " has the ordinal " + ordinal
            + ", not below --total-shards " + total + "; keep --total-shards equal to the StatefulSet's replicas");
      }
      return new Sharding(ordinal, total);
    }
    if (shard != null && total == null) {
      throw new IllegalArgumentException("--shard needs --total-shards");
    }
    if (shard == null) {
      if (total != null && total > 1) {
        throw new IllegalArgumentException("--total-shards " + total + " needs --shard I (0 to " + (total - 1)
            + ") or --auto-shard: which shard is this replica?");
      }
      return NONE;
    }
    return new Sharding(shard, total);
  }

  /** Whether this replica keeps the object with this UID (an object without one hashes as ""). */
  public boolean owns(String uid) {
    return total == 1 || shardOf(uid, total) == shard;
  }

  /** Whether the objects are split at all. */
  public boolean split() {
    return total > 1;
  }

  /** The shard, in [0, total), that owns the object with this UID. */
  static int shardOf(String uid, int total) {
    return jumpHash(fnv64a(uid == null ? new byte[0] : uid.getBytes(StandardCharsets.UTF_8)), total);
  }

  static long fnv64a(byte[] data) {
    long hash = FNV64_OFFSET;
    for (byte b : data) {
      hash ^= b & 0xff;
      hash *= FNV64_PRIME;
    }
    return hash;
  }

  /**
   * Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014). The key is an
   * unsigned 64-bit value; Java's wrapping multiplication and unsigned shift compute it alike, and
   * the floating-point steps follow the reference code so that the result matches it bit for bit.
   */
  static int jumpHash(long key, int buckets) {
    long b = -1;
    long j = 0;
    while (j < buckets) {
      b = j;
      key = key * 2862933555777941757L + 1;
      j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
    }
    return (int) b;
  }

  @Override
  public String toString() {
    return "shard " + shard + " of " + total;
  }
}
