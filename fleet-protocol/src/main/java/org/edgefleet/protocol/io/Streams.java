package org.edgefleet.protocol.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Stream helpers for the JDK 9+ methods Android lacks below API 33 ({@code readNBytes},
 * {@code transferTo}, {@code nullOutputStream}): the protocol and the agent core run on API 26.
 */
public final class Streams {

  private Streams() {}

  /**
   * Reads until {@code len} bytes are in {@code buffer} or the stream ends; returns how many were read
   * (less than {@code len} only at the end of the stream).
   */
  public static int readFully(InputStream in, byte[] buffer, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int n = in.read(buffer, off + total, len - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  /** Reads up to {@code n} bytes: fewer only when the stream ends first. */
  public static byte[] readUpTo(InputStream in, int n) throws IOException {
    byte[] buffer = new byte[n];
    int read = readFully(in, buffer, 0, n);
    return read == n ? buffer : java.util.Arrays.copyOf(buffer, read);
  }

  /** Reads and discards the rest of the stream. */
  public static void drain(InputStream in) throws IOException {
    byte[] skip = new byte[8192];
    while (in.read(skip) >= 0) {
      // discarded: only reaching the end matters
    }
  }

  /** An output stream that discards what is written to it. */
  public static OutputStream discarding() {
    return new OutputStream() {
      @Override
      public void write(int b) {}

      @Override
      public void write(byte[] b, int off, int len) {}
    };
  }

  /** Whether the first {@code len} bytes of {@code a} and {@code b} are equal (both at least that long). */
  public static boolean prefixEquals(byte[] a, byte[] b, int len) {
    if (a.length < len || b.length < len) {
      return false;
    }
    int diff = 0;
    for (int i = 0; i < len; i++) {
      diff |= a[i] ^ b[i];
    }
    return diff == 0;
  }
}
