package org.edgefleet.server.ingest;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.SampleMessage;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.retry.Backoff;
import org.edgefleet.protocol.transfer.ChunkRequest;
import org.edgefleet.server.device.DeviceRefused;
import org.edgefleet.server.device.DeviceService;
import org.edgefleet.server.metrics.RateLimitedLog;
import org.edgefleet.server.metrics.RejectReason;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.sampling.SampleService;
import org.edgefleet.server.telemetry.TelemetryService;
import org.edgefleet.server.transfer.TransferService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every message from a device enters here: the topic names the device and the kind, the payload is
 * decoded with the kind's size limit, and a message that fails any check is counted by reason and
 * dropped without affecting other devices. Decoding runs on the caller's thread (Paho's, or a
 * benchmark's); storage is asynchronous, bounded by {@code maxPending} telemetry batches and as
 * many other messages waiting for the database, beyond which the caller blocks so the broker holds
 * the backlog instead of the heap. Telemetry has a bound of its own so that a telemetry backlog
 * never takes the places of reports, events and status. A chunk request is answered without the
 * database and never takes a place: the server receives chunk requests on a connection of their
 * own ({@link org.edgefleet.server.mqtt.ServerClientIds}), whose thread this blocking never reaches.
 *
 * <p>A message from the broker completes only once it is stored or refused, and the server
 * acknowledges it to the broker then (see {@link org.edgefleet.server.mqtt.MqttLink}): a storage
 * failure is tried again with backoff for about half a minute, the message keeping its place, and
 * after that it is left unacknowledged for the broker to send again. Storage knows a message it
 * already has (sequence numbers, report revisions, sample ids), so a message sent again is stored
 * once.
 */
public final class DeviceInbox implements DeviceMessages {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceInbox.class);
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final CompletableFuture<Received> ACCEPTED = CompletableFuture.completedFuture(Received.ACCEPTED);
  private static final CompletableFuture<Received> REFUSED = CompletableFuture.completedFuture(Received.REFUSED);

  private final Topics topics;
  private final DeviceService devices;
  private final TelemetryService telemetry;
  private final TransferService transfer;
  private final SampleService samples;
  private final ServerMetrics metrics;
  private static final Backoff STORE_RETRY = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
  // With STORE_RETRY about 20 s of waits in the worst case, 10 s on average.
  private static final int STORE_ATTEMPTS = 10;

  private final Semaphore pendingTelemetry;
  private final Semaphore pendingOthers;
  private final RateLimitedLog<RejectReason> rejections =
      new RateLimitedLog<>(LOG, "device_message_rejected", TimeUnit.SECONDS.toNanos(10));

  public DeviceInbox(Topics topics, DeviceService devices, TelemetryService telemetry, TransferService transfer,
      SampleService samples, ServerMetrics metrics, int maxPending) {
    this.samples = samples;
    this.topics = topics;
    this.devices = devices;
    this.telemetry = telemetry;
    this.transfer = transfer;
    this.metrics = metrics;
    this.pendingTelemetry = new Semaphore(maxPending);
    this.pendingOthers = new Semaphore(maxPending);
  }

  /**
   * Handles one message as received on {@code topic}; the future completes once it is stored (or
   * refused), storage failures tried again meanwhile. It never completes exceptionally for a bad
   * message (those are counted instead), only when storage kept failing.
   */
  public CompletableFuture<Void> accept(String topic, byte[] payload) {
    Optional<Topics.DeviceTopic> parsed = topics.parse(topic);
    if (parsed.isEmpty() || !parsed.get().kind().fromDevice()) {
      reject(RejectReason.BAD_TOPIC, topic, "not a device-bound fleet topic");
      return DONE;
    }
    return accept(parsed.get().deviceId(), parsed.get().kind(), payload, STORE_ATTEMPTS).thenApply(r -> null);
  }

  /**
   * Handles one message of a device and kind that the transport established (CoAP: from the
   * resource path and the DTLS identity); the same checks and limits as a message on the topic.
   * Storage is tried once: the transport tells the device, which sends it again.
   */
  @Override
  public CompletableFuture<Received> accept(String deviceId, TopicKind kind, byte[] payload) {
    return accept(deviceId, kind, payload, 1);
  }

  private CompletableFuture<Received> accept(String deviceId, TopicKind kind, byte[] payload, int attempts) {
    if (!Topics.isValidDeviceId(deviceId) || !kind.fromDevice()) {
      reject(RejectReason.BAD_TOPIC, String.valueOf(deviceId) + "/" + kind.path(), "not a device-bound message kind");
      return REFUSED;
    }
    String topic = topics.topic(deviceId, kind); // names device and kind in the log, whatever the transport
    metrics.deviceMessage(kind);
    try {
      return switch (kind) {
        case REPORTED -> {
          ReportedState r = MessageCodec.decode(payload, ReportedState.class, devices.limits().maxReportedBytes());
          yield sameDevice(topic, deviceId, r.deviceId()) ? stored(topic, kind, () -> devices.onReported(r), attempts) : REFUSED;
        }
        case EVENTS -> {
          DeviceEvent e = MessageCodec.decode(payload, DeviceEvent.class, DeviceEvent.MAX_BYTES);
          yield sameDevice(topic, deviceId, e.deviceId()) ? stored(topic, kind, () -> devices.onEvent(e), attempts) : REFUSED;
        }
        case TELEMETRY -> {
          TelemetryBatch b = MessageCodec.decode(payload, TelemetryBatch.class, TelemetryBatch.MAX_BYTES);
          if (!sameDevice(topic, deviceId, b.deviceId())) {
            yield REFUSED;
          }
          TelemetryService.validate(b);
          devices.seen(deviceId);
          yield stored(topic, kind, () -> telemetry.ingest(b).thenApply(isNew -> {
            if (isNew) {
              metrics.telemetryStored(Duration.between(b.to(), Instant.now()));
            }
            return isNew;
          }), attempts);
        }
        case BUNDLE_REQUEST -> {
          ChunkRequest r = MessageCodec.decode(payload, ChunkRequest.class, ChunkRequest.MAX_BYTES);
          devices.seen(deviceId);
          transfer.onRequest(deviceId, r);
          yield ACCEPTED;
        }
        case STATUS -> status(topic, deviceId, payload, attempts);
        case SAMPLES -> {
          SampleMessage m = MessageCodec.decode(payload, SampleMessage.class, SampleMessage.MAX_BYTES);
          if (!sameDevice(topic, deviceId, m.deviceId())) {
            yield REFUSED;
          }
          devices.seen(deviceId);
          yield sampled(topic, m, payload.length, attempts);
        }
        case DESIRED, BUNDLE_CHUNK -> REFUSED;
      };
    } catch (MessageException e) {
      reject(RejectReason.of(e.reason()), topic, e.getMessage());
      return REFUSED;
    } catch (DeviceRefused e) {
      reject(e.reason(), topic, e.getMessage());
      return REFUSED;
    }
  }

  private CompletableFuture<Received> status(String topic, String deviceId, byte[] payload, int attempts)
      throws MessageException {
    if (payload.length == 0) {
      return ACCEPTED; // a cleared retained status
    }
    DeviceStatus s = MessageCodec.decode(payload, DeviceStatus.class, DeviceStatus.MAX_BYTES);
    return pending(topic, TopicKind.STATUS, () -> devices.onStatus(deviceId, s), attempts).thenApply(v -> Received.ACCEPTED);
  }

  private boolean sameDevice(String topic, String topicDevice, String messageDevice) {
    if (topicDevice.equals(messageDevice)) {
      return true;
    }
    reject(RejectReason.DEVICE_MISMATCH, topic, "message names device " + messageDevice);
    return false;
  }

  // Storage answers whether the message was new; a known sequence number or an older report is a replay.
  private CompletableFuture<Received> stored(String topic, TopicKind kind, Supplier<CompletableFuture<Boolean>> store,
      int attempts) {
    return pending(topic, kind, store, attempts).thenApply(isNew -> {
      if (!isNew) {
        reject(RejectReason.REPLAYED, topic, "already stored");
      }
      return Received.ACCEPTED; // a replay is no failure of the device: it may forget the message
    });
  }

  private CompletableFuture<Received> sampled(String topic, SampleMessage m, int bytes, int attempts) {
    return pending(topic, TopicKind.SAMPLES, () -> samples.ingest(m, bytes), attempts).thenApply(result -> {
      if (result == SampleService.Ingested.REPLAYED) {
        reject(RejectReason.REPLAYED, topic, "sample " + m.id() + " already stored");
      } else if (result == SampleService.Ingested.NOT_SAMPLED) {
        reject(RejectReason.NOT_SAMPLED, topic, "sample of " + m.sample().model() + " v" + m.sample().version()
            + ", which the device is not assigned with a sampling policy");
        return Received.REFUSED;
      }
      return Received.ACCEPTED;
    });
  }

  /**
   * Stores while holding a place of the kind's bound (waiting for one), trying up to {@code attempts}
   * times. What the first attempt throws (a refusal) reaches the caller as thrown.
   */
  private <T> CompletableFuture<T> pending(String topic, TopicKind kind, Supplier<CompletableFuture<T>> store, int attempts) {
    Semaphore places = kind == TopicKind.TELEMETRY ? pendingTelemetry : pendingOthers;
    places.acquireUninterruptibly();
    CompletableFuture<T> first;
    try {
      first = store.get();
    } catch (RuntimeException e) {
      places.release();
      throw e;
    }
    CompletableFuture<T> storing = retried(first, topic, store, 0, attempts);
    storing.whenComplete((v, e) -> places.release());
    return storing;
  }

  private <T> CompletableFuture<T> retried(CompletableFuture<T> storing, String topic, Supplier<CompletableFuture<T>> store,
      int attempt, int attempts) {
    return storing.handle((v, e) -> e == null ? CompletableFuture.completedFuture(v) : retry(topic, store, attempt, attempts, e))
        .thenCompose(f -> f);
  }

  private <T> CompletableFuture<T> retry(String topic, Supplier<CompletableFuture<T>> store, int attempt, int attempts,
      Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (attempt + 1 >= attempts) {
      LOG.warn("event=device_message_store_failed topic={} attempts={} reason=\"{}\"", topic, attempts, cause.getMessage());
      return CompletableFuture.failedFuture(cause);
    }
    long delay = STORE_RETRY.delayMillis(attempt, ThreadLocalRandom.current().nextDouble());
    LOG.debug("event=device_message_store_retry topic={} attempt={} delay_ms={} reason=\"{}\"", topic, attempt + 1, delay,
        cause.getMessage());
    // A store that throws on a later attempt fails that attempt like one whose future fails.
    CompletableFuture<T> again = CompletableFuture.supplyAsync(store, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
        .thenCompose(f -> f);
    return retried(again, topic, store, attempt + 1, attempts);
  }

  private void reject(RejectReason reason, String topic, String detail) {
    metrics.rejected(reason);
    rejections.log(reason, reason.label(), topic, detail);
  }
}
