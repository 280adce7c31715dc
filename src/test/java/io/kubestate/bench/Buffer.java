package io.kubestate.bench;

import java.util.Arrays;

/** A growable byte buffer that is reused between runs, as a hand-written exporter would keep one. */
final class Buffer {
  private byte[] bytes;
  private int size;

  Buffer(int capacity) {
    bytes = new byte[capacity];
  }

  void write(byte[] b) {
    if (size + b.length > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + b.length));
    }
    System.arraycopy(b, 0, bytes, size, b.length);
    size += b.length;
  }

  void reset() {
    size = 0;
  }

  int size() {
    return size;
  }
}
