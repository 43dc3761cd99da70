package org.edgefleet.sim;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.edgefleet.agent.transport.ChunkFetcher;
import org.edgefleet.agent.transport.Transport;
import org.edgefleet.agent.transport.TransportFactory;
import org.edgefleet.agent.transport.TransportListener;
import org.edgefleet.protocol.message.MessageException;
import org.edgefleet.protocol.transfer.ChunkMessage;

/**
 * A device's real transport with its profile's chunk faults: a share of the bundle chunks never
 * arrives (counted in {@code dropped}; the chunks the device asks for a second time outside a
 * broadcast, for whatever reason, are counted in {@code askedAgain}), a share arrives
 * with corrupted data (re-framed, so the frame's own hash matches and only the bundle's signed
 * chunk hashes can tell), and once, at the first chunk after the faults begin, the device dies:
 * from then on nothing reaches it and nothing it sends leaves, until the simulator starts it again.
 */
final class FaultyTransport implements Transport {

  /** Creates the faulty transports of one device, across its restarts; {@code kill} is called once, on a transport thread. */
  static TransportFactory factory(TransportFactory real, Faults faults, long seed, Runnable kill, LongAdder dropped,
      LongAdder askedAgain) {
    AtomicBoolean killed = new AtomicBoolean(faults.killedFor() == null);
    Random random = new Random(seed);
    Map<String, BitSet> asked = new ConcurrentHashMap<>(); // by bundle digest, across the device's restarts
    return (config, scheduler) -> new FaultyTransport(real.create(config, scheduler), faults, random, killed, kill, dropped,
        asked, askedAgain);
  }

  private final Transport real;
  private final Faults faults;
  private final Random random;
  private final AtomicBoolean killed;
  private final Runnable kill;
  private final LongAdder dropped;
  private final Map<String, BitSet> asked;
  private final LongAdder askedAgain;
  private volatile boolean dead;

  private FaultyTransport(Transport real, Faults faults, Random random, AtomicBoolean killed, Runnable kill, LongAdder dropped,
      Map<String, BitSet> asked, LongAdder askedAgain) {
    this.real = real;
    this.dropped = dropped;
    this.asked = asked;
    this.askedAgain = askedAgain;
    this.faults = faults;
    this.random = random;
    this.killed = killed;
    this.kill = kill;
  }

  @Override
  public void subscribe(String topicFilter) {
    real.subscribe(topicFilter);
  }

  @Override
  public CompletableFuture<Void> subscribeForNow(String topicFilter) {
    return dead ? CompletableFuture.failedFuture(new IllegalStateException("the simulated device was killed"))
        : real.subscribeForNow(topicFilter);
  }

  @Override
  public void unsubscribe(String topicFilter) {
    real.unsubscribe(topicFilter);
  }

  @Override
  public void start(TransportListener listener) {
    real.start(new TransportListener() {
      @Override
      public void onConnected() {
        if (!dead) {
          listener.onConnected();
        }
      }

      @Override
      public void onConnectionLost(Throwable cause) {
        listener.onConnectionLost(cause);
      }

      @Override
      public void onMessage(String topic, byte[] payload) {
        if (dead) {
          return;
        }
        boolean chunk = topic.endsWith("/chunk");
        if (chunk && faults.active() && killed.compareAndSet(false, true)) {
          dead = true;
          kill.run();
          return;
        }
        if (chunk && faults.active() && happens(faults.dropChunks())) {
          dropped.increment();
          return;
        }
        listener.onMessage(topic, chunk && faults.active() && happens(faults.corruptChunks()) ? corrupted(payload) : payload);
      }
    });
  }

  private boolean happens(double share) {
    if (share == 0) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < share;
    }
  }

  // A frame that does not decode is passed on as it is: the agent refuses it on its own.
  private static byte[] corrupted(byte[] frame) {
    try {
      ChunkMessage c = ChunkMessage.decode(frame, frame.length);
      byte[] data = c.data().clone();
      if (data.length == 0) {
        return frame;
      }
      data[data.length / 2] ^= 0x5a;
      return new ChunkMessage(c.digest(), c.index(), data).encode();
    } catch (MessageException e) {
      return frame;
    }
  }

  @Override
  public boolean isConnected() {
    return !dead && real.isConnected();
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, boolean retained) {
    if (dead) {
      return CompletableFuture.failedFuture(new IllegalStateException("the simulated device was killed"));
    }
    return real.publish(topic, payload, retained);
  }

  // The real transport's way of fetching chunks (CoAP fetches blocks itself); its chunks still arrive through onMessage above.
  @Override
  public ChunkFetcher chunkFetcher(String requestTopic) {
    ChunkFetcher fetcher = real.chunkFetcher(requestTopic);
    return ChunkFetcher.telling((bundle, chunks, listening) -> {
      if (dead) {
        return CompletableFuture.failedFuture(new IllegalStateException("the simulated device was killed"));
      }
      if (!listening) {
        countAskedAgain(bundle.digest(), chunks); // a request while listening may be left to the broadcast
      }
      return fetcher.request(bundle, chunks, listening);
    });
  }

  private void countAskedAgain(String digest, List<Integer> chunks) {
    BitSet before = asked.computeIfAbsent(digest, d -> new BitSet());
    synchronized (before) {
      for (int i : chunks) {
        if (before.get(i)) {
          askedAgain.increment();
        }
        before.set(i);
      }
    }
  }

  @Override
  public void close() {
    real.close();
  }

  @Override
  public String toString() {
    return "faulty " + real;
  }
}
