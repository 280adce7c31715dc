package io.kubestate.bench;

import java.io.OutputStream;

/** Counts what is written and keeps none of it, so that only the writing is timed. */
final class CountingStream extends OutputStream {
  long count;

  @Override
  public void write(int b) {
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    count += len;
  }
}
