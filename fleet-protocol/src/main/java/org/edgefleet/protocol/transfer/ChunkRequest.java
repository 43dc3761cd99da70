package org.edgefleet.protocol.transfer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.trust.Hex;

/**
 * A device asks for chunks of a bundle by index. A device asks only for what it lacks, and at
 * most {@link #MAX_CHUNKS} at a time: its request window is its share of the backpressure.
 *
 * <p>{@code listening} (absent when false, so older servers see the requests they did): the device
 * is subscribed to the bundle's broadcast topic and has not yet received from a broadcast of it.
 * The server counts it towards starting a broadcast, and leaves out the chunks that a running
 * broadcast has still to send.
 */
public record ChunkRequest(int v, String digest, List<Integer> chunks,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY) boolean listening) {

  public static final int MAX_CHUNKS = 64;
  public static final int MAX_BYTES = 4 * 1024;

  public ChunkRequest {
    if (v != MessageCodec.VERSION) {
      throw new IllegalArgumentException("chunk request version must be " + MessageCodec.VERSION);
    }
    if (!Hex.isSha256(digest)) {
      throw new IllegalArgumentException("chunk request needs the bundle digest");
    }
    if (chunks == null || chunks.isEmpty() || chunks.size() > MAX_CHUNKS) {
      throw new IllegalArgumentException("chunk request must name 1 to " + MAX_CHUNKS + " chunks");
    }
    Set<Integer> unique = new HashSet<>();
    for (Integer c : chunks) {
      if (c == null || c < 0 || !unique.add(c)) {
        throw new IllegalArgumentException("chunk indexes must be distinct and >= 0");
      }
    }
    chunks = List.copyOf(chunks);
  }

  public ChunkRequest(String digest, List<Integer> chunks) {
    this(MessageCodec.VERSION, digest, chunks, false);
  }

  public ChunkRequest(String digest, List<Integer> chunks, boolean listening) {
    this(MessageCodec.VERSION, digest, chunks, listening);
  }
}
