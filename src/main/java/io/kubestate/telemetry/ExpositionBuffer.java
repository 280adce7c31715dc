package io.kubestate.telemetry;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A byte buffer in front of an output stream, with the few encodings the exposition needs written
 * straight into it: a scrape writes hundreds of thousands of lines, and a {@code Writer} chain
 * costs a call and a range check per character where this copies ASCII runs byte by byte.
 */
final class ExpositionBuffer {
  private static final byte[] DIGIT_ONES = new byte[100];
  private static final byte[] DIGIT_TENS = new byte[100];

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_ONES[i] = (byte) ('0' + i % 10);
      DIGIT_TENS[i] = (byte) ('0' + i / 10);
    }
  }

  private OutputStream out;
  private byte[] buf;
  private int pos;

  ExpositionBuffer(int capacity) {
    buf = new byte[capacity];
  }

  /** Starts writing to {@code out}; nothing is kept from an earlier target. */
  void open(OutputStream target) {
    this.out = target;
    this.pos = 0;
  }

  /** Writes what is buffered; the target itself is left open and unflushed. */
  void drain() throws IOException {
    if (pos > 0) {
      out.write(buf, 0, pos);
      pos = 0;
    }
  }

  /** Drains and forgets the target, so that a finished response is not held. */
  void close() throws IOException {
    try {
      drain();
    } finally {
      out = null;
    }
  }

  private void room(int n) throws IOException {
    if (pos + n > buf.length) {
      drain();
      if (n > buf.length) {
        buf = new byte[Math.max(n, buf.length * 2)];
      }
    }
  }

  void write(byte b) throws IOException {
    if (pos == buf.length) {
      drain();
    }
    buf[pos++] = b;
  }

  void write(byte[] b) throws IOException {
    room(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  /** A string known to be ASCII: names, numbers, keywords. */
  void ascii(String s) throws IOException {
    int n = s.length();
    room(n);
    byte[] b = buf;
    int p = pos;
    for (int i = 0; i < n; i++) {
      b[p++] = (byte) s.charAt(i);
    }
    pos = p;
  }

  /**
   * A string known to be ASCII with nothing to escape, copied as a block: for such a string (stored
   * one byte a character) the JDK's copy of the low bytes is an array copy, where {@link
   * #escaped} looks at every character.
   */
  @SuppressWarnings("deprecation")
  void plain(String s) throws IOException {
    int n = s.length();
    room(n);
    s.getBytes(0, n, buf, pos);
    pos += n;
  }

  /** Whether {@link #plain} writes {@code s} as {@link #escaped} would, quoted. */
  static boolean isPlain(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || c == '\\' || c == '\n' || c == '"') {
        return false;
      }
    }
    return true;
  }

  /**
   * UTF-8 with Prometheus escaping: backslash and newline always, the double quote in label values
   * only. A lone surrogate becomes '?', as Java's UTF-8 encoder writes it.
   */
  void escaped(String s, boolean quote) throws IOException {
    int n = s.length();
    room(n * 3);
    byte[] b = buf;
    int p = pos;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == '\\') {
          b[p++] = '\\';
          b[p++] = '\\';
        } else if (c == '\n') {
          b[p++] = '\\';
          b[p++] = 'n';
        } else if (c == '"' && quote) {
          b[p++] = '\\';
          b[p++] = '"';
        } else {
          b[p++] = (byte) c;
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        int cp;
        if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
          cp = Character.toCodePoint(c, s.charAt(++i));
          b[p++] = (byte) (0xF0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          b[p++] = '?';
        }
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    pos = p;
  }

  /** {@link Long#toString(long)} without the intermediate string. */
  void decimal(long v) throws IOException {
    room(20);
    if (v == Long.MIN_VALUE) {
      ascii(Long.toString(v));
      return;
    }
    if (v < 0) {
      buf[pos++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int p = pos + digits;
    pos = p;
    while (v >= 100) {
      int r = (int) (v % 100);
      v /= 100;
      buf[--p] = DIGIT_ONES[r];
      buf[--p] = DIGIT_TENS[r];
    }
    if (v >= 10) {
      buf[--p] = DIGIT_ONES[(int) v];
      buf[--p] = DIGIT_TENS[(int) v];
    } else {
      buf[--p] = (byte) ('0' + v);
    }
  }

  /** Integral values without a fraction, as kube-state-metrics prints them; others in Java's shortest form. */
  void number(double d) throws IOException {
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      decimal((long) d);
    } else {
      ascii(PrometheusWriter.formatDouble(d));
    }
  }
}
