package org.edgefleet.agent.update;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.edgefleet.agent.outbox.Outbox;
import org.edgefleet.agent.outbox.OutboxSender;
import org.edgefleet.protocol.message.DeviceEvent;
import org.edgefleet.protocol.message.DeviceEvent.Execution;
import org.edgefleet.protocol.message.DeviceEvent.Result;
import org.edgefleet.protocol.message.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits update events: into the outbox (which numbers them per device, across restarts) and to
 * the local listeners. Runs on the agent loop.
 */
public final class EventEmitter {

  static final String STREAM = Outbox.PRIORITY_STREAM;
  private static final Logger log = LoggerFactory.getLogger(EventEmitter.class);

  private final String deviceId;
  private final String topic;
  private final Clock clock;
  private final OutboxSender sender;
  private final Consumer<DeviceEvent> listeners;

  public EventEmitter(String deviceId, String topic, Clock clock, OutboxSender sender, Consumer<DeviceEvent> listeners) {
    this.deviceId = deviceId;
    this.topic = topic;
    this.clock = clock;
    this.sender = sender;
    this.listeners = listeners;
  }

  void started(String model, int version, Execution step) {
    emit(model, version, step, Result.STARTED, null, null);
  }

  void succeeded(String model, int version, Execution step, String details) {
    emit(model, version, step, Result.SUCCESS, null, details);
  }

  void failed(String model, int version, Execution step, String reason, String details) {
    log.warn("event=update_step_failed device={} model={} version={} step={} reason={} details=\"{}\"",
        deviceId, model, version, step.wireName(), reason, details);
    emit(model, version, step, Result.FAILURE, reason, details);
  }

  private void emit(String model, int version, Execution step, Result result, String reason, String details) {
    Instant time = clock.instant();
    LongFunction<DeviceEvent> event = seq ->
        new DeviceEvent(MessageCodec.VERSION, deviceId, seq, time, model, version, step, result, reason, details);
    long seq = sender.send(STREAM, topic, s -> MessageCodec.encode(event.apply(s)));
    log.debug("event=device_event device={} seq={} model={} version={} step={} result={}", deviceId, seq, model, version,
        step.wireName(), result.wireName());
    listeners.accept(event.apply(seq));
  }
}
