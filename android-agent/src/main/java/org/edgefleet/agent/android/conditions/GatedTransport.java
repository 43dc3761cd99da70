package org.edgefleet.agent.android.conditions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.edgefleet.agent.transport.ChunkFetcher;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.agent.transport.TransportListener;

/**
 * A transport that is connected only while its gate is open: closing the gate closes the real
 * transport (the agent sees a lost connection and keeps its reports in the outbox), opening it
 * creates a fresh one, which subscribes again and lets the agent resume a download where it stopped.
 * Before it closes for the gate it publishes the device's retained status as offline, as the last
 * will would on a lost connection, so the server does not count a paused phone as online. Gate
 * changes run on the agent's executor, never on the caller's (the main) thread.
 */
public final class GatedTransport implements Transport {

  private static final long FAREWELL_MILLIS = 2000;

  private final Supplier<Transport> create;
  private final Executor executor;
  private final String statusTopic;
  private final byte[] offline;
  private final List<String> filters = new ArrayList<>();
  private TransportListener listener;
  private volatile Transport current;
  private boolean open;
  private boolean closed;
  private String blockedBy = "not started";

  /**
   * @param statusTopic the device's retained status topic
   * @param offline the payload that marks the device offline there
   */
  public GatedTransport(Supplier<Transport> create, Executor executor, String statusTopic, byte[] offline) {
    this.create = create;
    this.executor = executor;
    this.statusTopic = statusTopic;
    this.offline = offline.clone();
  }

  /** Opens or closes the gate; {@code reason} says why it is closed. */
  public void setOpen(boolean open, String reason) {
    try {
      executor.execute(() -> apply(open, reason));
    } catch (RejectedExecutionException e) {
      // the agent is closed: a late network or charger callback has nothing left to open or close
    }
  }

  private synchronized void apply(boolean wantOpen, String reason) {
    blockedBy = wantOpen ? "" : reason;
    if (closed || wantOpen == open) {
      return;
    }
    open = wantOpen;
    if (listener == null) {
      return;
    }
    if (open) {
      connect();
    } else {
      disconnect(reason);
    }
  }

  private void connect() {
    Transport t = create.get();
    filters.forEach(t::subscribe);
    current = t;
    t.start(new TransportListener() {
      @Override
      public void onConnected() {
        if (isCurrent(t)) {
          listener.onConnected();
        }
      }

      @Override
      public void onConnectionLost(Throwable cause) {
        if (isCurrent(t)) {
          listener.onConnectionLost(cause);
        }
      }

      @Override
      public void onMessage(String topic, byte[] payload) {
        if (isCurrent(t)) {
          listener.onMessage(topic, payload);
        }
      }
    });
  }

  private void disconnect(String reason) {
    Transport t = current;
    current = null;
    if (t != null) {
      if (t.isConnected()) {
        try {
          t.publish(statusTopic, offline, true).get(FAREWELL_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
          // the broker publishes the last will instead once it misses the keep-alive
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      t.close();
      listener.onConnectionLost(new IOException("paused: " + reason));
    }
  }

  private boolean isCurrent(Transport t) {
    return current == t;
  }

  @Override
  public synchronized void subscribe(String topicFilter) {
    filters.add(topicFilter);
  }

  @Override
  public synchronized void start(TransportListener listener) {
    this.listener = listener;
    if (open) {
      connect();
    }
  }

  @Override
  public synchronized boolean isConnected() {
    return current != null && current.isConnected();
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained) {
    return onCurrent(t -> t.publish(topic, payload, retained));
  }

  /**
   * The current transport's own way of fetching chunks (a chunk request over MQTT, block-wise GETs
   * over CoAP), looked up at each request since every gate opening makes a new transport.
   */
  @Override
  public ChunkFetcher chunkFetcher(String requestTopic) {
    return ChunkFetcher.telling((bundle, chunks, listening) ->
        onCurrent(t -> t.chunkFetcher(requestTopic).request(bundle, chunks, listening)));
  }

  @Override
  public CompletableFuture<Void> subscribeForNow(String topicFilter) {
    return onCurrent(t -> t.subscribeForNow(topicFilter));
  }

  @Override
  public void unsubscribe(String topicFilter) {
    Transport t = current;
    if (t != null) {
      t.unsubscribe(topicFilter);
    }
  }

  // Runs on the transport of the open gate; fails, saying why the gate is closed, when there is none.
  private CompletableFuture<Void> onCurrent(Function<Transport, CompletableFuture<Void>> action) {
    Transport t;
    String why;
    synchronized (this) {
      t = current;
      why = blockedBy;
    }
    if (t == null) {
      CompletableFuture<Void> notSent = new CompletableFuture<>();
      notSent.completeExceptionally(new IOException("not connected: " + why));
      return notSent;
    }
    return action.apply(t);
  }

  @Override
  public synchronized void close() {
    closed = true;
    Transport t = current;
    current = null;
    if (t != null) {
      t.close();
    }
  }
}
