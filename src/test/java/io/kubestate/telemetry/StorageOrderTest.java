package io.kubestate.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class StorageOrderTest {
  /** A key with a chosen hash, equal only to itself. */
  private record Key(int id, int hash) {
    @Override
    public int hashCode() {
      return hash;
    }
  }

  @Test
  void ordersKeysAsTheSdksStorageTableIteratesThem() {
    Random random = new Random(7);
    for (int entries : new int[] {1, 11, 12, 13, 100, 5_000, 70_000}) {
      List<Key> keys = new ArrayList<>();
      ConcurrentHashMap<Key, Boolean> table = new ConcurrentHashMap<>();
      for (int i = 0; i < entries; i++) {
        Key k = new Key(i, random.nextInt());
        keys.add(k);
        table.put(k, true);
      }
      int[] ranks = new int[entries];
      int[] hashes = keys.stream().mapToInt(Key::hash).toArray();
      int[] order = new StorageOrder().sort(ranks, hashes, entries, new int[] {StorageOrder.tableSize(entries)});

      // The table's own order of slots; within a slot its resizes may have reordered the keys.
      int size = StorageOrder.tableSize(entries);
      List<Integer> slots = new ArrayList<>();
      List<Integer> ids = new ArrayList<>();
      for (int i = 0; i < entries; i++) {
        Key k = keys.get(order[i]);
        slots.add(StorageOrder.bucket(k.hash(), size));
        ids.add(k.id());
      }
      List<Integer> tableSlots = table.keySet().stream().map(k -> StorageOrder.bucket(k.hash(), size)).toList();
      assertThat(slots).as("%d entries", entries).isEqualTo(tableSlots).isSorted();
      assertThat(ids).containsExactlyInAnyOrderElementsOf(keys.stream().map(Key::id).toList());
    }
  }

  @Test
  void groupsByInstrumentFirstAndReturnsEveryMeasurementOnce() {
    int[] ranks = {2, 0, 1, 0, 2, 1, 0};
    int[] hashes = {5, 4, 3, 2, 1, 0, -1};
    int[] order = new StorageOrder().sort(ranks, hashes, ranks.length, new int[] {16, 16, 16});

    List<Integer> rankOrder = new ArrayList<>();
    List<Integer> seen = new ArrayList<>();
    for (int i = 0; i < ranks.length; i++) {
      rankOrder.add(ranks[order[i]]);
      seen.add(order[i]);
    }
    assertThat(rankOrder).containsExactly(0, 0, 0, 1, 1, 2, 2);
    assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
  }
}
