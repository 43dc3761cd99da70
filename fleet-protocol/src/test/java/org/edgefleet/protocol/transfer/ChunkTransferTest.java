package org.edgefleet.protocol.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.trust.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkTransferTest {

  @TempDir Path dir;

  @Test
  void planCutsAndChunksReassemble() throws Exception {
    byte[] data = new byte[10_000];
    new Random(1).nextBytes(data);
    Path file = Files.write(dir.resolve("b.zip"), data);
    BundleRef ref = ChunkPlan.of(file, 4096);
    assertThat(ref.chunkCount()).isEqualTo(3);
    assertThat(ref.chunkLength(2)).isEqualTo(10_000 - 8192);
    assertThat(ref.digest()).isEqualTo(Sha256.hex(file));

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < ref.chunkCount(); i++) {
      byte[] chunk = Arrays.copyOfRange(data, i * 4096, i * 4096 + ref.chunkLength(i));
      ChunkMessage received = ChunkMessage.decode(new ChunkMessage(ref.digest(), i, chunk).encode(), 4096);
      assertThat(received.index()).isEqualTo(i);
      assertThat(received.digest()).isEqualTo(ref.digest());
      assertThat(Sha256.hex(received.data())).isEqualTo(ref.chunkHashes().get(i));
      out.write(received.data());
    }
    assertThat(out.toByteArray()).isEqualTo(data);
  }

  @Test
  void corruptOrHostileFramesAreRefused() {
    String digest = Sha256.hex(new byte[] {1});
    byte[] frame = new ChunkMessage(digest, 0, new byte[100]).encode();
    byte[] flipped = frame.clone();
    flipped[flipped.length - 1] ^= 1;
    assertRefused(flipped, 4096);
    assertRefused(Arrays.copyOf(frame, 10), 4096);
    assertRefused(frame, 50);
    byte[] badMagic = frame.clone();
    badMagic[0] = 'X';
    assertRefused(badMagic, 4096);
    assertRefused(new byte[0], 4096);
  }

  /** The server frames with the plan's hash instead of hashing per send: the same frame, checked the same way. */
  @Test
  void aFrameWithThePlansHashIsTheSameFrameAndAWrongHashIsRefused() throws Exception {
    byte[] data = new byte[5000];
    new Random(2).nextBytes(data);
    BundleRef ref = ChunkPlan.of(Files.write(dir.resolve("p.zip"), data), 4096);
    byte[] chunk = Arrays.copyOf(data, 4096);
    ChunkMessage message = new ChunkMessage(ref.digest(), 0, chunk);
    assertThat(message.encode(ref.chunkHashes().get(0))).isEqualTo(message.encode());
    assertThat(ChunkMessage.decode(message.encode(ref.chunkHashes().get(0)), 4096).data()).isEqualTo(chunk);
    assertRefused(message.encode(ref.chunkHashes().get(1)), 4096);
    assertThatThrownBy(() -> message.encode("abc")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> message.encode(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void chunkRequestsAreBounded() throws Exception {
    String digest = Sha256.hex(new byte[] {1});
    ChunkRequest ok = new ChunkRequest(digest, List.of(0, 5, 9));
    assertThat(MessageCodec.decode(MessageCodec.encode(ok), ChunkRequest.class, ChunkRequest.MAX_BYTES)).isEqualTo(ok);
    // Not listening is left out, so servers from before broadcasts see the request they did.
    assertThat(new String(MessageCodec.encode(ok), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("listening");
    ChunkRequest listening = new ChunkRequest(digest, List.of(0), true);
    assertThat(MessageCodec.decode(MessageCodec.encode(listening), ChunkRequest.class, ChunkRequest.MAX_BYTES).listening()).isTrue();
    Integer[] tooMany = new Integer[ChunkRequest.MAX_CHUNKS + 1];
    Arrays.setAll(tooMany, i -> i);
    assertThatThrownBy(() -> new ChunkRequest(digest, List.of(tooMany))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkRequest(digest, List.of(1, 1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkRequest(digest, List.of(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChunkRequest("abc", List.of(1))).isInstanceOf(IllegalArgumentException.class);
  }

  private static void assertRefused(byte[] frame, int max) {
    assertThatThrownBy(() -> ChunkMessage.decode(frame, max)).isInstanceOf(MessageException.class);
  }
}
