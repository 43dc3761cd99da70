package org.edgefleet.agent.update;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scratch file a download writes its chunks into, and the kept bundles chunks are reused from, on a real disk. */
class ChunkStoreTest {

  static final int CHUNK = 1024;

  @TempDir Path dir;
  byte[] bundle;
  BundleRef ref;
  ChunkStore store;

  @BeforeEach
  void setUp() throws Exception {
    bundle = new byte[12 * CHUNK + 300];
    new Random(11).nextBytes(bundle);
    ref = plan("b", bundle);
    store = new ChunkStore(dir.resolve("downloads"), dir.resolve("bundles"));
  }

  @Test
  void chunksWrittenOutOfOrderAndTwiceMakeTheBundleAtTheirOffsets() throws Exception {
    try (ScratchBundle s = store.open(ref, List.of())) {
      for (int i = ref.chunkCount() - 1; i >= 0; i--) {
        s.put(i, chunk(bundle, i));
      }
      s.put(3, chunk(bundle, 3));
      assertThat(s.isComplete()).isTrue();
      assertThat(s.writtenCount()).isEqualTo(ref.chunkCount());
      assertThat(Files.readAllBytes(s.finish())).isEqualTo(bundle);
    }
  }

  @Test
  void aRestartGoesOnWithTheChunksWrittenBefore() throws Exception {
    try (ScratchBundle s = store.open(ref, List.of())) {
      s.put(0, chunk(bundle, 0));
      s.put(7, chunk(bundle, 7));
    }
    assertThat(store.writtenBytes(ref)).isEqualTo(2L * CHUNK);
    try (ScratchBundle again = store.open(ref, List.of())) {
      assertThat(again.has(0)).isTrue();
      assertThat(again.has(7)).isTrue();
      assertThat(again.has(1)).isFalse();
      for (int i = 0; i < ref.chunkCount(); i++) {
        if (!again.has(i)) {
          again.put(i, chunk(bundle, i));
        }
      }
      assertThat(Files.readAllBytes(again.finish())).isEqualTo(bundle);
    }
  }

  @Test
  void aMapThatDoesNotFitTheBundleStartsTheDownloadAgain() throws Exception {
    try (ScratchBundle s = store.open(ref, List.of())) {
      s.put(0, chunk(bundle, 0));
    }
    Files.write(dir.resolve("downloads").resolve(ref.digest() + ".chunks"), new byte[] {1, 1});
    try (ScratchBundle again = store.open(ref, List.of())) {
      assertThat(again.writtenCount()).isZero();
    }
  }

  @Test
  void aChunkDamagedOnDiskIsFoundOnlyWhenAskedAndForgottenAcrossARestart() throws Exception {
    try (ScratchBundle s = store.open(ref, List.of())) {
      for (int i = 0; i < ref.chunkCount(); i++) {
        s.put(i, chunk(bundle, i));
      }
      Path file = s.finish();
      // What a power loss leaves: the map counts chunk 5, its data never reached the disk.
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.allocate(100), 5L * CHUNK + 10);
      }
      assertThat(s.damaged()).containsExactly(5);
      assertThat(s.has(5)).isFalse();
      assertThat(s.isComplete()).isFalse();
    }
    try (ScratchBundle again = store.open(ref, List.of())) {
      assertThat(again.has(5)).as("the map was corrected on disk").isFalse();
      again.put(5, chunk(bundle, 5));
      assertThat(again.damaged()).isEmpty();
      assertThat(Files.readAllBytes(again.finish())).isEqualTo(bundle);
    }
  }

  @Test
  void aChunkThatRepeatsInTheBundleIsWrittenAtEveryOffsetOnce() throws Exception {
    byte[] repeating = bundle.clone();
    System.arraycopy(bundle, 0, repeating, 4 * CHUNK, CHUNK);
    BundleRef r = plan("r", repeating);
    assertThat(r.chunkHashes().get(4)).isEqualTo(r.chunkHashes().get(0));
    try (ScratchBundle s = store.open(r, List.of())) {
      s.put(0, chunk(repeating, 0));
      assertThat(s.has(4)).isTrue();
      for (int i = 0; i < r.chunkCount(); i++) {
        if (!s.has(i)) {
          s.put(i, chunk(repeating, i));
        }
      }
      assertThat(Files.readAllBytes(s.finish())).isEqualTo(repeating);
    }
  }

  @Test
  void aKeptBundleLendsItsChunksToTheNextAndPruningDropsWhatNoSlotHolds() throws Exception {
    ScratchBundle first = store.open(ref, List.of());
    for (int i = 0; i < ref.chunkCount(); i++) {
      first.put(i, chunk(bundle, i));
    }
    first.finish();
    store.keep(first);
    assertThat(dir.resolve("bundles").resolve(ref.digest())).hasBinaryContent(bundle);
    assertThat(dir.resolve("downloads").resolve(ref.digest() + ".bundle")).doesNotExist();

    byte[] next = bundle.clone();
    next[next.length - 5] ^= 1; // only the last chunk differs
    BundleRef nextRef = plan("n", next);
    try (ScratchBundle s = store.open(nextRef, List.of(ref))) {
      assertThat(s.writtenCount()).isEqualTo(nextRef.chunkCount() - 1);
      assertThat(s.has(nextRef.chunkCount() - 1)).isFalse();
      s.put(nextRef.chunkCount() - 1, chunk(next, nextRef.chunkCount() - 1));
      assertThat(Files.readAllBytes(s.finish())).isEqualTo(next);
    }
    assertThat(store.retainOnly(Set.of(nextRef.digest()))).as("the old bundle").isEqualTo(1);
    assertThat(dir.resolve("bundles").resolve(ref.digest())).doesNotExist();
    assertThat(store.writtenBytes(nextRef)).isEqualTo(nextRef.size());
    assertThat(store.retainOnly(Set.of())).as("the scratch file and its map").isEqualTo(2);
  }

  private BundleRef plan(String name, byte[] content) throws Exception {
    return ChunkPlan.of(Files.write(dir.resolve(name + ".src"), content), CHUNK);
  }

  private static byte[] chunk(byte[] content, int i) {
    int from = i * CHUNK;
    return Arrays.copyOfRange(content, from, Math.min(content.length, from + CHUNK));
  }
}
