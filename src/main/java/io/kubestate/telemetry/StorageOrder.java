package io.kubestate.telemetry;

import java.util.Arrays;

/**
 * The order in which one collection's measurements are handed to the SDK: the order of the hash
 * tables that hold each instrument's series. The SDK (1.65) keeps an asynchronous instrument's
 * series in a {@code ConcurrentHashMap} keyed by their attributes, and finds the series of every
 * measurement there. In the order objects are walked, each of those lookups lands somewhere else in
 * a table of hundreds of thousands of entries, a cache miss or three apiece; in the table's own
 * order, consecutive lookups touch neighbouring slots and the series stored after one another.
 *
 * <p>Only speed depends on this: the SDK reads its points out in its tables' order whatever the order
 * they were recorded in, so the exposition and the OTLP export are the same either way. Should the
 * table sizes guessed here be wrong, or the SDK store series differently, the order is merely no
 * better than any other.
 */
final class StorageOrder {
  /** Bits of a sort key for the bucket; the instrument's rank takes the rest. */
  private static final int BUCKET_BITS = 22;
  private static final int MAX_RANK = (1 << (32 - BUCKET_BITS)) - 1;
  private static final int RADIX_BITS = 11;
  private static final int RADIX = 1 << RADIX_BITS;

  private int[] keys = new int[0];
  private int[] order = new int[0];
  private int[] keysScratch = new int[0];
  private int[] orderScratch = new int[0];
  private final int[] counts = new int[RADIX];

  /** Lets go of arrays sized for more than {@code keep} measurements, until the next sort needs them. */
  void trim(int keep) {
    if (keys.length > keep) {
      keys = new int[0];
      order = new int[0];
      keysScratch = new int[0];
      orderScratch = new int[0];
    }
  }

  /**
   * The capacity of a {@code ConcurrentHashMap} created with the default constructor once it has
   * held {@code entries} at the same time: it doubles from 16 whenever three quarters are taken,
   * and never shrinks.
   */
  static int tableSize(int entries) {
    int n = 16;
    while (entries >= n - (n >>> 2) && n < (1 << 30)) {
      n <<= 1;
    }
    return n;
  }

  /** The slot of a key with this hash code in a table of {@code tableSize} slots. */
  static int bucket(int hashCode, int tableSize) {
    int spread = (hashCode ^ (hashCode >>> 16)) & 0x7fffffff;
    return spread & (tableSize - 1) & ((1 << BUCKET_BITS) - 1);
  }

  /**
   * Sorts measurements by instrument, then by slot.
   *
   * @param ranks the instrument of each measurement, as a small number
   * @param hashes the hash code of each measurement's attributes
   * @param tableSizes per instrument rank, the size of its table
   * @return the indices of the measurements in storage order, valid in {@code [0, size)} until the next call
   */
  int[] sort(int[] ranks, int[] hashes, int size, int[] tableSizes) {
    if (keys.length < size) {
      int capacity = Math.max(size, keys.length * 2);
      keys = new int[capacity];
      order = new int[capacity];
      keysScratch = new int[capacity];
      orderScratch = new int[capacity];
    }
    int[] k = keys;
    int[] o = order;
    for (int i = 0; i < size; i++) {
      int rank = ranks[i];
      k[i] = (Math.min(rank, MAX_RANK) << BUCKET_BITS) | bucket(hashes[i], tableSizes[rank]);
      o[i] = i;
    }
    // Least significant digit first, three digits of a 32-bit key: linear, and each pass reads
    // and writes sequentially, where a comparison sort of 600,000 keys costs more than it saves.
    int[] kIn = k;
    int[] oIn = o;
    int[] kOut = keysScratch;
    int[] oOut = orderScratch;
    for (int shift = 0; shift < 32; shift += RADIX_BITS) {
      Arrays.fill(counts, 0);
      for (int i = 0; i < size; i++) {
        counts[(kIn[i] >>> shift) & (RADIX - 1)]++;
      }
      for (int d = 0, sum = 0; d < RADIX; d++) {
        int c = counts[d];
        counts[d] = sum;
        sum += c;
      }
      for (int i = 0; i < size; i++) {
        int at = counts[(kIn[i] >>> shift) & (RADIX - 1)]++;
        kOut[at] = kIn[i];
        oOut[at] = oIn[i];
      }
      int[] t = kIn;
      kIn = kOut;
      kOut = t;
      t = oIn;
      oIn = oOut;
      oOut = t;
    }
    return oIn;
  }
}
