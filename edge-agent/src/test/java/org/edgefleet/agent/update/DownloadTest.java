package org.edgefleet.agent.update;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The download's window, timeouts and content addressing, on a real scratch file. */
class DownloadTest {

  static final int CHUNK = 1024;

  @TempDir Path dir;
  byte[] bundle;
  BundleRef ref;
  ChunkStore store;
  ScratchBundle scratch;
  List<List<Integer>> requests = new ArrayList<>();
  List<Boolean> listeningFlags = new ArrayList<>();
  AtomicLong now = new AtomicLong();

  @BeforeEach
  void setUp() throws Exception {
    bundle = new byte[20 * CHUNK + 100];
    new Random(7).nextBytes(bundle);
    ref = ChunkPlan.of(Files.write(dir.resolve("b.bundle"), bundle), CHUNK);
    store = new ChunkStore(dir.resolve("downloads"), dir.resolve("bundles"));
    scratch = store.open(ref, List.of());
  }

  @AfterEach
  void closeScratch() throws Exception {
    scratch.close();
  }

  Download download(int window) {
    return new Download(scratch, (bundle, chunks, listening) -> {
      requests.add(List.copyOf(chunks));
      listeningFlags.add(listening);
    }, window, 1000, now::get);
  }

  @Test
  void keepsAtMostTheWindowInFlightAndCompletes() throws Exception {
    Download d = download(4);
    d.start();
    assertThat(requests).containsExactly(List.of(0, 1, 2, 3));
    for (int i = 0; i < ref.chunkCount(); i++) {
      assertThat(d.accept(i, chunk(i))).isEqualTo(Download.Outcome.STORED);
      long requested = requests.stream().mapToLong(List::size).sum();
      assertThat(requested - (i + 1)).isLessThanOrEqualTo(4);
    }
    assertThat(d.isComplete()).isTrue();
    assertThat(Files.readAllBytes(scratch.finish())).as("each chunk written at its offset").isEqualTo(bundle);
  }

  @Test
  void chunksWrittenBeforeARestartAreNotRequested() throws Exception {
    for (int i = 0; i < 10; i++) {
      scratch.put(i, chunk(i));
    }
    scratch.close();
    scratch = store.open(ref, List.of());
    Download d = download(64);
    d.start();
    assertThat(requests).singleElement().satisfies(r -> assertThat(r).startsWith(10).hasSize(ref.chunkCount() - 10));
  }

  @Test
  void corruptChunkIsRequestedAgainAtOnceAndSlowOnesAfterTheTimeout() throws Exception {
    Download d = download(2);
    d.start();
    byte[] bad = chunk(0);
    bad[3] ^= 1;
    assertThat(d.accept(0, bad)).isEqualTo(Download.Outcome.CORRUPT);
    assertThat(requests).containsExactly(List.of(0, 1), List.of(0));
    now.set(999);
    d.expire();
    assertThat(requests).hasSize(2);
    now.set(1000);
    d.expire();
    assertThat(requests.get(2)).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void reconnectResendsOnlyRequestsMadeBeforeIt() throws Exception {
    Download d = download(2);
    d.start();
    d.accept(0, chunk(0));
    now.set(500);
    d.accept(1, chunk(1));
    assertThat(requests).containsExactly(List.of(0, 1), List.of(2), List.of(3));
    d.resendRequestedBefore(100);
    assertThat(requests).hasSize(4);
    assertThat(requests.get(3)).containsExactly(2);
  }

  @Test
  void aListeningDownloadAsksOnlyOnceSubscribedThenRepairsWhatTheBroadcastPassed() throws Exception {
    Download d = download(4);
    d.awaitBroadcast();
    d.start();
    assertThat(requests).as("nothing before the subscription is answered").isEmpty();
    d.listening();
    assertThat(requests).containsExactly(List.of(0, 1, 2, 3));
    assertThat(listeningFlags).containsExactly(true);

    // The broadcast brings 0, 1, 2, loses 3 and 4, brings 5: only 3 and 4 are asked for, and not as listening.
    for (int i : new int[] {0, 1, 2}) {
      assertThat(d.acceptBroadcast(i, chunk(i))).isEqualTo(Download.Outcome.STORED);
    }
    assertThat(requests).hasSize(1);
    d.acceptBroadcast(5, chunk(5));
    assertThat(requests.get(1)).containsExactly(3, 4);
    assertThat(listeningFlags.get(1)).isFalse();
    d.accept(3, chunk(3));
    d.accept(4, chunk(4));
    for (int i = 6; i < ref.chunkCount(); i++) {
      d.acceptBroadcast(i, chunk(i));
    }
    assertThat(requests).hasSize(2);
    assertThat(d.isComplete()).isTrue();
  }

  @Test
  void aBroadcastThatGoesQuietIsLeftForPerDeviceRequests() throws Exception {
    Download d = download(4);
    d.awaitBroadcast();
    d.start();
    d.listening();
    d.acceptBroadcast(0, chunk(0));
    d.acceptBroadcast(1, chunk(1));
    assertThat(requests).as("chunks 1-3 asked before the broadcast came are left to it").hasSize(1);
    now.set(999);
    d.expire();
    assertThat(requests).hasSize(1);
    now.set(1000);
    d.expire();
    assertThat(requests.get(1)).containsExactly(2, 3, 4, 5);
    assertThat(listeningFlags.get(1)).as("fed by a broadcast: no longer listening").isFalse();
  }

  @Test
  void aRefusedOrUnansweredSubscriptionFallsBackToPerDeviceRequests() throws Exception {
    Download refused = download(2);
    refused.awaitBroadcast();
    refused.start();
    refused.broadcastRefused();
    assertThat(requests).containsExactly(List.of(0, 1));
    assertThat(listeningFlags).containsExactly(false);

    Download unanswered = download(2);
    unanswered.awaitBroadcast();
    unanswered.start();
    now.set(1000);
    unanswered.expire();
    assertThat(requests).containsExactly(List.of(0, 1), List.of(0, 1));
  }

  private byte[] chunk(int i) {
    int from = i * CHUNK;
    return Arrays.copyOfRange(bundle, from, Math.min(bundle.length, from + CHUNK));
  }
}
