package org.edgefleet.server.dashboard;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client's server-sent event stream. Events are queued (at most {@link #MAX_QUEUED}) by any
 * thread and written on the connection's event loop while the connection's write queue has room.
 * When the queue overflows the client has missed events: the queue is emptied and a single
 * {@code resync} event tells it to fetch what it shows again. A comment every
 * {@link #HEARTBEAT_MS} keeps proxies from closing an idle stream and finds dead connections.
 */
final class EventStream {

  static final int MAX_QUEUED = 256;
  static final int WRITE_QUEUE_BYTES = 64 * 1024;
  static final long HEARTBEAT_MS = 15_000;
  /** How long the browser waits before it reconnects, told in the stream's first frame. */
  static final long RETRY_MS = 2_000;
  private static final String RESYNC = "event: " + LiveEvents.Kind.RESYNC.wire() + "\ndata: {}\n\n";

  private final HttpServerResponse response;
  private final Context context;
  private final Counter dropped;
  private final Deque<String> queue = new ArrayDeque<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private boolean overflowed;
  private long heartbeat = -1;

  EventStream(HttpServerResponse response, Counter dropped) {
    this.response = response;
    this.context = Vertx.currentContext();
    this.dropped = dropped;
  }

  /** Writes the headers and the first frame; on the request's event loop. */
  void start() {
    response.setChunked(true).setWriteQueueMaxSize(WRITE_QUEUE_BYTES)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("cache-control", "no-store")
        .putHeader("x-accel-buffering", "no");
    response.write("retry: " + RETRY_MS + "\n: connected\n\n");
    response.drainHandler(v -> drain());
    heartbeat = context.owner().setPeriodic(HEARTBEAT_MS, id -> offer(": ping\n\n"));
  }

  void stop() {
    if (heartbeat >= 0) {
      context.owner().cancelTimer(heartbeat);
    }
  }

  /** Queues a frame from any thread; drops the queue (and so asks for a resync) when it is full. */
  void offer(String frame) {
    synchronized (queue) {
      if (overflowed) {
        dropped.increment();
        return;
      }
      if (queue.size() >= MAX_QUEUED) {
        dropped.increment(queue.size() + 1);
        queue.clear();
        overflowed = true;
      } else {
        queue.add(frame);
      }
    }
    if (drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        drainScheduled.set(false);
        drain();
      });
    }
  }

  // On the event loop: writes while the connection takes more; the drain handler calls again.
  private void drain() {
    if (response.closed() || response.ended()) {
      return;
    }
    while (!response.writeQueueFull()) {
      String next;
      synchronized (queue) {
        next = queue.poll();
        if (next == null && overflowed) {
          overflowed = false;
          next = RESYNC;
        }
      }
      if (next == null) {
        return;
      }
      response.write(next);
    }
  }
}
