package org.edgefleet.protocol.message;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latency histograms on the wire: HdrHistogram's compressed V2 encoding in base64. Histograms
 * from many batches and devices merge exactly, which percentiles alone cannot.
 */
public final class LatencyHistograms {

  /** Highest trackable latency: one minute in microseconds. */
  public static final long MAX_MICROS = 60_000_000L;
  public static final int SIGNIFICANT_DIGITS = 2;
  private static final int MAX_ENCODED_CHARS = 64 * 1024;
  private static final int HEADER_BYTES = 32;

  private LatencyHistograms() {}

  public static Histogram newHistogram() {
    return new Histogram(1, MAX_MICROS, SIGNIFICANT_DIGITS);
  }

  public static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buffer);
    byte[] bytes = new byte[n];
    ((Buffer) buffer).flip(); // Buffer's flip: ByteBuffer's covariant one is not on Android 26
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  public static Histogram decode(String encoded) throws MessageException {
    if (encoded == null || encoded.length() > MAX_ENCODED_CHARS) {
      throw new MessageException(MessageException.Reason.INVALID, "latency histogram missing or too large");
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(encoded);
      checkHeader(bytes);
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), MAX_MICROS);
      checkTotal(h);
      return h;
    } catch (DataFormatException | RuntimeException e) {
      throw new MessageException(MessageException.Reason.INVALID, "latency histogram is not a valid HdrHistogram: " + e.getMessage(), e);
    }
  }

  // The total HdrHistogram keeps is a plain sum that wraps: add the counts checked instead, so a
  // histogram cannot make merged metrics negative.
  private static void checkTotal(Histogram h) throws MessageException {
    long total = 0;
    for (HistogramIterationValue v : h.recordedValues()) {
      long count = v.getCountAtValueIteratedTo();
      if (count < 0 || count > TelemetryBatch.MAX_COUNT - total) {
        throw new MessageException(MessageException.Reason.INVALID, "latency histogram counts must be >= 0 and total at most "
            + TelemetryBatch.MAX_COUNT);
      }
      total += count;
    }
  }

  // HdrHistogram sizes its arrays from the header: check it before it allocates anything, so a
  // hostile histogram cannot ask for gigabytes.
  private static void checkHeader(byte[] bytes) throws DataFormatException, MessageException {
    if (bytes.length < 8) {
      throw new MessageException(MessageException.Reason.INVALID, "latency histogram is truncated");
    }
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(bytes, 8, bytes.length - 8);
      byte[] header = new byte[HEADER_BYTES];
      int n = 0;
      while (n < HEADER_BYTES && !inflater.finished() && !inflater.needsInput()) {
        n += inflater.inflate(header, n, HEADER_BYTES - n);
      }
      if (n < HEADER_BYTES) {
        throw new MessageException(MessageException.Reason.INVALID, "latency histogram header is truncated");
      }
      ByteBuffer b = ByteBuffer.wrap(header);
      b.getInt(); // cookie, checked by HdrHistogram
      int payloadBytes = b.getInt();
      b.getInt(); // normalizing index offset
      int digits = b.getInt();
      long lowest = b.getLong();
      long highest = b.getLong();
      if (payloadBytes < 0 || payloadBytes > 1024 * 1024 || digits < 0 || digits > 3 || lowest < 1 || highest > MAX_MICROS * 2) {
        throw new MessageException(MessageException.Reason.INVALID,
            "latency histogram must cover at most " + MAX_MICROS * 2 + " us with at most 3 significant digits");
      }
    } finally {
      inflater.end();
    }
  }
}
