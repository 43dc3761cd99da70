package org.edgefleet.agent.update;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import org.edgefleet.agent.transport.ChunkFetcher;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.transfer.ChunkMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current download (one at a time per device) and the chunks that feed it. While a bundle
 * downloads, the device subscribes to the bundle's broadcast topic (where the server publishes each
 * chunk once for every device downloading it) and takes chunks from there as from its own chunk
 * topic; {@link Download} asks per device only for what the broadcast missed.
 *
 * <p>Not thread-safe: runs on the agent loop; the answer to the broadcast subscription is handed
 * back to the loop.
 */
final class ChunkIntake {

  /** What became of the current download. */
  interface Listener {
    /** The store holds every chunk of the bundle. */
    void onComplete();

    /** Storing a chunk failed: the download cannot go on. */
    void onStoreFailed(IOException e);
  }

  private static final Logger log = LoggerFactory.getLogger(ChunkIntake.class);

  private final String deviceId;
  private final Transport transport;
  private final Executor loop;
  private final Topics topics;
  private final ChunkFetcher fetcher;
  private final UpdateSettings settings;
  private final UpdateCounters counters;
  private final Listener listener;
  private Download download;

  ChunkIntake(String deviceId, Topics topics, Transport transport, Executor loop, UpdateSettings settings,
      UpdateCounters counters, Listener listener) {
    this.deviceId = deviceId;
    this.transport = transport;
    this.loop = loop;
    this.topics = topics;
    this.fetcher = transport.chunkFetcher(topics.topic(deviceId, TopicKind.BUNDLE_REQUEST));
    this.settings = settings;
    this.counters = counters;
    this.listener = listener;
  }

  /**
   * Starts downloading into {@code scratch}, which this intake closes when the download ends; the
   * returned download may be complete at once (every chunk written before, or held for another bundle).
   */
  Download begin(ScratchBundle scratch) {
    download = new Download(scratch, this::request, settings.chunkWindow(), settings.chunkTimeout().toNanos(),
        System::nanoTime);
    if (transport.isConnected()) {
      listenToBroadcast();
    }
    download.start();
    return download;
  }

  /** The current download, or null. */
  Download current() {
    return download;
  }

  void take(byte[] frame, boolean broadcast) {
    if (download == null) {
      log.debug("event=chunk_ignored cause=no_download device={}", deviceId);
      return;
    }
    ChunkMessage chunk;
    try {
      // Download checks the data against the signed chunk hash: the frame's own hash would be a second hashing.
      chunk = ChunkMessage.decodeUnchecked(frame, download.ref().chunkSize());
    } catch (MessageException e) {
      reject(e.reason().name(), e.getMessage());
      return;
    }
    if (!chunk.digest().equals(download.ref().digest())) {
      log.debug("event=chunk_ignored cause=other_bundle device={} digest={}", deviceId, chunk.digest());
      return;
    }
    try {
      Download.Outcome outcome = broadcast ? download.acceptBroadcast(chunk.index(), chunk.data())
          : download.accept(chunk.index(), chunk.data());
      switch (outcome) {
        case CORRUPT -> {
          counters.corruptChunk();
          log.warn("event=chunk_corrupt action=request_again device={} bundle={} index={}", deviceId, chunk.digest(), chunk.index());
        }
        case OUT_OF_RANGE -> reject(MessageException.Reason.INVALID.name(),
            "index " + chunk.index() + " is beyond the bundle's " + download.ref().chunkCount() + " chunks");
        case STORED, ALREADY_HELD -> {
          if (download.isComplete()) {
            listener.onComplete();
          }
        }
      }
    } catch (IOException e) {
      listener.onStoreFailed(e);
    }
  }

  /** Connected again at {@code connectedAtNanos}: the broadcast subscription and chunk requests may have gone with the old connection. */
  void reconnected(long connectedAtNanos) {
    if (download != null) {
      download.subscriptionLost();
      listenToBroadcast();
      download.resendRequestedBefore(connectedAtNanos);
    }
  }

  /** Periodic: re-requests chunks that waited too long. */
  void tick() {
    if (download != null) {
      download.expire();
    }
  }

  /** Every end of a download: leave its broadcast and close its scratch file (which stays on disk). */
  void end() {
    if (download != null) {
      transport.unsubscribe(topics.bundleChunks(download.ref().digest()));
      try {
        download.scratch().close();
      } catch (IOException e) {
        log.debug("event=scratch_close_failed device={} bundle={} reason=\"{}\"", deviceId, download.ref().digest(), e.getMessage());
      }
      download = null;
    }
  }

  // Subscribes to the download's broadcast topic; requests wait for the answer (see Download.awaitBroadcast).
  private void listenToBroadcast() {
    Download d = download;
    d.awaitBroadcast();
    transport.subscribeForNow(topics.bundleChunks(d.ref().digest())).whenComplete((ok, e) -> loop.execute(() -> {
      if (download != d) {
        return; // finished or replaced meanwhile
      }
      if (e == null) {
        d.listening();
      } else {
        log.debug("event=broadcast_not_joined device={} bundle={} reason=\"{}\"", deviceId, d.ref().digest(), e.getMessage());
        d.broadcastRefused();
      }
    }));
  }

  // Chunk frames are not worth a lastError: a bad one is simply requested again.
  private void reject(String reason, String details) {
    counters.rejectedMessage();
    log.warn("event=chunk_rejected device={} reason={} details=\"{}\"", deviceId, reason, details);
  }

  private void request(BundleRef bundle, List<Integer> indexes, boolean listening) {
    if (!transport.isConnected()) {
      return; // re-requested on reconnect
    }
    fetcher.request(bundle, indexes, listening)
        .whenComplete((ok, e) -> {
          if (e != null) {
            log.debug("event=chunk_request_not_sent action=retry device={} reason=\"{}\"", deviceId, e.getMessage());
          }
        });
  }
}
