package org.edgefleet.fault;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback UDP relay (tests and benchmarks of CoAP) in front of a server port that loses and reorders datagrams both ways: each
 * is dropped with probability {@code loss}, or held back 5-25 ms with probability {@code reorder}
 * (so the datagrams after it overtake it). One upstream socket per client, so answers find their
 * client. Bounded: at most {@link #MAX_CLIENTS} clients, daemon threads, stopped by {@link #close}.
 */
public final class LossyUdpRelay implements AutoCloseable {

  public static final int MAX_CLIENTS = 128;

  private final InetSocketAddress target;
  private final double loss;
  private final double reorder;
  private final Random random;
  private final DatagramSocket front;
  private final Map<SocketAddress, DatagramSocket> upstreams = new ConcurrentHashMap<>();
  private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "udp-relay-delay"));
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong passed = new AtomicLong();
  private volatile boolean closed;

  /** Relays to {@code targetPort} on loopback; {@code seed} makes the losses repeatable for one order of datagrams. */
  public LossyUdpRelay(int targetPort, double loss, double reorder, long seed) throws IOException {
    this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
    this.loss = loss;
    this.reorder = reorder;
    this.random = new Random(seed);
    this.front = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    daemon(this::fromClients, "udp-relay-front").start();
  }

  public int port() {
    return front.getLocalPort();
  }

  public String coapUrl() {
    return "coap://127.0.0.1:" + port();
  }

  public long dropped() {
    return dropped.get();
  }

  public long reordered() {
    return held.get();
  }

  public long passed() {
    return passed.get();
  }

  private void fromClients() {
    byte[] buf = new byte[65536];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        front.receive(p);
      } catch (IOException e) {
        return; // closed
      }
      SocketAddress client = p.getSocketAddress();
      DatagramSocket up = upstreams.get(client);
      if (up == null) {
        if (upstreams.size() >= MAX_CLIENTS) {
          continue;
        }
        try {
          up = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
          continue;
        }
        upstreams.put(client, up);
        DatagramSocket socket = up;
        daemon(() -> fromServer(socket, client), "udp-relay-back").start();
      }
      forward(up, Arrays.copyOf(p.getData(), p.getLength()), target);
    }
  }

  private void fromServer(DatagramSocket up, SocketAddress client) {
    byte[] buf = new byte[65536];
    while (!closed) {
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      try {
        up.receive(p);
      } catch (IOException e) {
        return;
      }
      forward(front, Arrays.copyOf(p.getData(), p.getLength()), client);
    }
  }

  private void forward(DatagramSocket via, byte[] data, SocketAddress to) {
    double u;
    long delay;
    synchronized (random) {
      u = random.nextDouble();
      delay = 5 + random.nextInt(21);
    }
    if (u < loss) {
      dropped.incrementAndGet();
      return;
    }
    if (u < loss + reorder) {
      held.incrementAndGet();
      delays.schedule(() -> send(via, data, to), delay, TimeUnit.MILLISECONDS);
      return;
    }
    send(via, data, to);
  }

  private void send(DatagramSocket via, byte[] data, SocketAddress to) {
    try {
      via.send(new DatagramPacket(data, data.length, to));
      passed.incrementAndGet();
    } catch (IOException e) {
      // The relay is closing, or the server's port is down (restart): UDP loses it, as the network would.
    }
  }

  @Override
  public void close() {
    closed = true;
    front.close();
    upstreams.values().forEach(DatagramSocket::close);
    delays.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
