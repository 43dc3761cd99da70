package org.edgefleet.agent.outbox;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.edgefleet.agent.loop.AgentLoop;
import org.edgefleet.agent.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves outbox messages to the server, oldest first, with a bounded window of unacknowledged
 * publishes; a message leaves the outbox only once the broker acknowledged it. Delivery is at
 * least once: after a reconnect everything unacknowledged is sent again (Paho's persistent session
 * may resend some of it too), and the server drops repeats by their sequence number.
 *
 * <p>Not thread-safe: every method runs on the agent's {@link AgentLoop}.
 */
public final class OutboxSender {

  private static final Logger log = LoggerFactory.getLogger(OutboxSender.class);
  private static final long RETRY_MS = 1000;

  private final Outbox outbox;
  private final Transport transport;
  private final AgentLoop loop;
  private final int window;
  private final Map<Long, Long> inFlight = new HashMap<>();
  private boolean retryPending;

  public OutboxSender(Outbox outbox, Transport transport, AgentLoop loop, int window) {
    this.outbox = outbox;
    this.transport = transport;
    this.loop = loop;
    this.window = window;
  }

  /**
   * Queues a message and starts sending it if connected.
   *
   * @return its sequence number in {@code stream}, or 0 when it could not be stored
   */
  public long send(String stream, String topic, LongFunction<byte[]> payload) {
    long seq;
    try {
      seq = outbox.append(stream, topic, payload);
    } catch (IOException | RuntimeException e) {
      log.error("event=outbox_append_failed stream={} topic={} reason=\"{}\"", stream, topic, e.getMessage());
      return 0;
    }
    drain();
    return seq;
  }

  /**
   * After a reconnect at {@code connectedAtNanos}: what was sent before it and is still
   * unacknowledged is sent again.
   */
  public void onConnected(long connectedAtNanos) {
    inFlight.values().removeIf(sentAt -> sentAt - connectedAtNanos < 0);
    drain();
  }

  public void drain() {
    if (!transport.isConnected() || inFlight.size() >= window) {
      return;
    }
    List<OutboxEntry> oldest;
    try {
      oldest = outbox.oldest(window + inFlight.size());
    } catch (IOException | RuntimeException e) {
      log.error("event=outbox_read_failed reason=\"{}\"", e.getMessage());
      retryLater();
      return;
    }
    for (OutboxEntry e : oldest) {
      if (inFlight.size() >= window) {
        break;
      }
      if (inFlight.putIfAbsent(e.id(), System.nanoTime()) == null) {
        transport.publish(e.topic(), e.payload(), false)
            .whenComplete((ok, error) -> loop.execute(() -> settled(e, error)));
      }
    }
  }

  private void settled(OutboxEntry e, Throwable error) {
    inFlight.remove(e.id());
    if (error != null) {
      log.debug("event=outbox_publish_unacknowledged stream={} seq={} reason=\"{}\"", e.stream(), e.seq(), error.getMessage());
      retryLater();
      return;
    }
    try {
      outbox.remove(e.id());
    } catch (IOException | RuntimeException ex) {
      log.error("event=outbox_remove_failed id={} reason=\"{}\"", e.id(), ex.getMessage());
    }
    drain();
  }

  private void retryLater() {
    if (retryPending || !transport.isConnected()) {
      return;
    }
    retryPending = true;
    loop.schedule(() -> {
      retryPending = false;
      drain();
    }, RETRY_MS, TimeUnit.MILLISECONDS);
  }
}
