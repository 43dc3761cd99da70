package org.edgefleet.protocol.transfer;

import org.edgefleet.protocol.io.Streams;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.trust.Hex;
import org.edgefleet.protocol.trust.Sha256;

/**
 * One chunk of a bundle, in a compact binary frame rather than JSON so the bytes travel as they
 * are: {@code "EFC1"}, the 32-byte bundle digest, a 4-byte big-endian index, the 32-byte SHA-256 of
 * the data, then the data. {@link #HEADER_BYTES} bytes plus the chunk must fit the broker's
 * maximum packet size.
 */
public final class ChunkMessage {

  public static final int HEADER_BYTES = 4 + 32 + 4 + 32;
  private static final byte[] MAGIC = "EFC1".getBytes(StandardCharsets.US_ASCII);

  private final String digest;
  private final int index;
  private final byte[] data;

  public ChunkMessage(String digest, int index, byte[] data) {
    if (!Hex.isSha256(digest) || index < 0 || data == null) {
      throw new IllegalArgumentException("chunk needs a bundle digest, index >= 0 and data");
    }
    this.digest = digest;
    this.index = index;
    this.data = data;
  }

  /** Frames the chunk with a hash of its data computed now. */
  public byte[] encode() {
    return encode(Sha256.hex(data));
  }

  /**
   * Frames the chunk with a hash the sender already holds: the server takes it from the bundle's
   * chunk plan (signed in the desired state), computed once when the bundle was verified and stored,
   * so sending a chunk costs no hashing. A hash that does not match the data makes the receiver
   * refuse the frame, as corruption in transit does.
   */
  public byte[] encode(String dataHash) {
    if (!Hex.isSha256(dataHash)) {
      throw new IllegalArgumentException("chunk hash must be SHA-256 in lower-case hex");
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + data.length);
    b.put(MAGIC).put(unhex(digest)).putInt(index).put(unhex(dataHash)).put(data);
    return b.array();
  }

  /** Decodes a frame and checks the data against the hash in it (corruption in transit). */
  public static ChunkMessage decode(byte[] frame, int maxChunkBytes) throws MessageException {
    return decode(frame, maxChunkBytes, true);
  }

  /**
   * Decodes a frame without hashing its data: for a receiver that checks the data against a hash
   * it trusts more (the agent, against the signed chunk hash), so each chunk is hashed once.
   */
  public static ChunkMessage decodeUnchecked(byte[] frame, int maxChunkBytes) throws MessageException {
    return decode(frame, maxChunkBytes, false);
  }

  private static ChunkMessage decode(byte[] frame, int maxChunkBytes, boolean checkHash) throws MessageException {
    if (frame == null || frame.length < HEADER_BYTES) {
      throw new MessageException(MessageException.Reason.MALFORMED, "chunk frame is shorter than its header");
    }
    if (frame.length > HEADER_BYTES + maxChunkBytes) {
      throw new MessageException(MessageException.Reason.TOO_LARGE, "chunk frame exceeds " + maxChunkBytes + " data bytes");
    }
    if (!Streams.prefixEquals(MAGIC, frame, 4)) {
      throw new MessageException(MessageException.Reason.MALFORMED, "not a chunk frame (bad magic)");
    }
    ByteBuffer b = ByteBuffer.wrap(frame);
    ((Buffer) b).position(4); // Buffer's position: ByteBuffer's covariant one is not on Android 26
    byte[] digest = new byte[32];
    b.get(digest);
    int index = b.getInt();
    byte[] hash = new byte[32];
    b.get(hash);
    byte[] data = Arrays.copyOfRange(frame, HEADER_BYTES, frame.length);
    if (index < 0) {
      throw new MessageException(MessageException.Reason.INVALID, "chunk index is negative");
    }
    if (checkHash && !Hex.encode(hash).equals(Sha256.hex(data))) {
      throw new MessageException(MessageException.Reason.INVALID, "chunk " + index + " data does not match its hash");
    }
    return new ChunkMessage(Hex.encode(digest), index, data);
  }

  public String digest() {
    return digest;
  }

  public int index() {
    return index;
  }

  public byte[] data() {
    return data;
  }

  private static byte[] unhex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
