package org.edgefleet.server.ingest;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceStatus;
import org.edgefleet.protocol.message.MessageCodec;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.message.ReportedState;
import org.edgefleet.protocol.message.SampleMessage;
import org.edgefleet.protocol.message.TelemetryBatch;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
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
 * benchmark's); storage is asynchronous, bounded by {@code maxPending} messages waiting for the
 * database, beyond which the caller blocks so the broker holds the backlog instead of the heap.
 * A chunk request is answered without the database and never takes a place of {@code maxPending}:
 * the server receives chunk requests on a connection of their own
 * ({@link org.edgefleet.server.mqtt.ServerClientIds}), whose thread this blocking never reaches.
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
  private final Semaphore pending;
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
    this.pending = new Semaphore(maxPending);
  }

  /**
   * Handles one message as received on {@code topic}; the future completes once it is stored (or
   * refused). It never completes exceptionally for a bad message: those are counted instead.
   */
  public CompletableFuture<Void> accept(String topic, byte[] payload) {
    Optional<Topics.DeviceTopic> parsed = topics.parse(topic);
    if (parsed.isEmpty() || !parsed.get().kind().fromDevice()) {
      reject(RejectReason.BAD_TOPIC, topic, "not a device-bound fleet topic");
      return DONE;
    }
    return accept(parsed.get().deviceId(), parsed.get().kind(), payload).handle((r, e) -> null);
  }

  /**
   * Handles one message of a device and kind that the transport established (CoAP: from the
   * resource path and the DTLS identity); the same checks and limits as a message on the topic.
   */
  @Override
  public CompletableFuture<Received> accept(String deviceId, TopicKind kind, byte[] payload) {
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
          yield sameDevice(topic, deviceId, r.deviceId()) ? stored(topic, devices.onReported(r)) : REFUSED;
        }
        case EVENTS -> {
          DeviceEvent e = MessageCodec.decode(payload, DeviceEvent.class, DeviceEvent.MAX_BYTES);
          yield sameDevice(topic, deviceId, e.deviceId()) ? stored(topic, devices.onEvent(e)) : REFUSED;
        }
        case TELEMETRY -> {
          TelemetryBatch b = MessageCodec.decode(payload, TelemetryBatch.class, TelemetryBatch.MAX_BYTES);
          if (!sameDevice(topic, deviceId, b.deviceId())) {
            yield REFUSED;
          }
          TelemetryService.validate(b);
          devices.seen(deviceId);
          yield stored(topic, telemetry.ingest(b));
        }
        case BUNDLE_REQUEST -> {
          ChunkRequest r = MessageCodec.decode(payload, ChunkRequest.class, ChunkRequest.MAX_BYTES);
          devices.seen(deviceId);
          transfer.onRequest(deviceId, r);
          yield ACCEPTED;
        }
        case STATUS -> status(topic, deviceId, payload);
        case SAMPLES -> {
          SampleMessage m = MessageCodec.decode(payload, SampleMessage.class, SampleMessage.MAX_BYTES);
          if (!sameDevice(topic, deviceId, m.deviceId())) {
            yield REFUSED;
          }
          devices.seen(deviceId);
          yield sampled(topic, m, payload.length);
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

  private CompletableFuture<Received> status(String topic, String deviceId, byte[] payload) throws MessageException {
    if (payload.length == 0) {
      return ACCEPTED; // a cleared retained status
    }
    DeviceStatus s = MessageCodec.decode(payload, DeviceStatus.class, DeviceStatus.MAX_BYTES);
    pending.acquireUninterruptibly();
    return devices.onStatus(deviceId, s).handle((v, e) -> {
      pending.release();
      if (e != null) {
        LOG.warn("event=device_message_store_failed topic={} reason=\"{}\"", topic, e.getMessage());
        throw new CompletionException(e);
      }
      return Received.ACCEPTED;
    });
  }

  private boolean sameDevice(String topic, String topicDevice, String messageDevice) {
    if (topicDevice.equals(messageDevice)) {
      return true;
    }
    reject(RejectReason.DEVICE_MISMATCH, topic, "message names device " + messageDevice);
    return false;
  }

  // Storage answers whether the message was new; a known sequence number or an older report is a replay.
  private CompletableFuture<Received> stored(String topic, CompletableFuture<Boolean> storing) {
    pending.acquireUninterruptibly();
    return storing.handle((isNew, e) -> {
      pending.release();
      if (e != null) {
        LOG.warn("event=device_message_store_failed topic={} reason=\"{}\"", topic, e.getMessage());
        throw new CompletionException(e);
      } else if (!isNew) {
        reject(RejectReason.REPLAYED, topic, "already stored");
      }
      return Received.ACCEPTED; // a replay is no failure of the device: it may forget the message
    });
  }

  private CompletableFuture<Received> sampled(String topic, SampleMessage m, int bytes) {
    pending.acquireUninterruptibly();
    return samples.ingest(m, bytes).handle((result, e) -> {
      pending.release();
      if (e != null) {
        LOG.warn("event=device_message_store_failed topic={} reason=\"{}\"", topic, e.getMessage());
        throw new CompletionException(e);
      } else if (result == SampleService.Ingested.REPLAYED) {
        reject(RejectReason.REPLAYED, topic, "sample " + m.id() + " already stored");
      } else if (result == SampleService.Ingested.NOT_SAMPLED) {
        reject(RejectReason.NOT_SAMPLED, topic, "sample of " + m.sample().model() + " v" + m.sample().version()
            + ", which the device is not assigned with a sampling policy");
        return Received.REFUSED;
      }
      return Received.ACCEPTED;
    });
  }

  private void reject(RejectReason reason, String topic, String detail) {
    metrics.rejected(reason);
    rejections.log(reason, reason.label(), topic, detail);
  }
}
