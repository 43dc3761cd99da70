package org.edgefleet.fault;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy between MQTT clients and a broker that relays whole MQTT packets and can
 * break the link at a chosen step of a session ({@link #arm(Drop)}), lose single packets and keep
 * the link ({@link #lose}), stall every connection
 * without closing it ({@link #blackhole()}, {@link #resume()}), or take the network away
 * ({@link #cut()}, {@link #open()}). Tests point clients at {@link #url()}.
 *
 * <p>It only reads packet boundaries (type nibble and remaining length); it never changes a
 * byte. Every thread it starts is a daemon and ends with {@link #close()}.
 */
public final class MqttFaultProxy implements AutoCloseable {

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket listener;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final List<Armed> armed = new CopyOnWriteArrayList<>();
  private final Map<PacketType, AtomicLong> toClient = new ConcurrentHashMap<>();
  private final Map<PacketType, AtomicLong> toBroker = new ConcurrentHashMap<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger dropsFired = new AtomicInteger();
  private final Map<Direction, Map<PacketType, AtomicInteger>> toLose = new ConcurrentHashMap<>();
  private final AtomicLong lost = new AtomicLong();
  private final Object stall = new Object();
  private volatile boolean stalled;
  private volatile boolean open = true;
  private volatile boolean closed;

  private MqttFaultProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    daemon(this::acceptLoop, "mqtt-fault-proxy-" + listener.getLocalPort()).start();
  }

  /** A proxy on a free loopback port relaying to the broker on 127.0.0.1:{@code brokerPort}. */
  public static MqttFaultProxy start(int brokerPort) throws IOException {
    return new MqttFaultProxy("127.0.0.1", brokerPort);
  }

  public String url() {
    return "tcp://127.0.0.1:" + listener.getLocalPort();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Arms a one-shot drop; several may be queued (the same one too), each fires once, in order. */
  public void arm(Drop drop) {
    armed.add(new Armed(drop, new AtomicInteger(drop.after())));
  }

  /** How many armed drops have fired. */
  public int dropsFired() {
    return dropsFired.get();
  }

  /**
   * Discards the next {@code count} packets of {@code type} travelling in {@code direction} and
   * keeps the connection up, as a broker that drops a message under load without answering does.
   */
  public void lose(Direction direction, PacketType type, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    toLose.computeIfAbsent(direction, d -> new ConcurrentHashMap<>()).computeIfAbsent(type, t -> new AtomicInteger()).addAndGet(count);
  }

  /** How many packets {@link #lose} discarded so far. */
  public long lost() {
    return lost.get();
  }

  /** Connections accepted so far (each client connect attempt that reached the proxy). */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** Connections currently relayed. */
  public int liveConnections() {
    return (int) links.stream().filter(l -> !l.closed).count();
  }

  /** Packets of {@code type} relayed in {@code direction} so far. */
  public long relayed(Direction direction, PacketType type) {
    AtomicLong n = (direction == Direction.TO_CLIENT ? toClient : toBroker).get(type);
    return n == null ? 0 : n.get();
  }

  /**
   * Stops relaying in both directions without closing anything, as a link that silently loses
   * every packet does; what was sent waits in the socket buffers. New connections stall too.
   */
  public void blackhole() {
    stalled = true;
  }

  /** Relays again what {@link #blackhole()} held, in order. */
  public void resume() {
    synchronized (stall) {
      stalled = false;
      stall.notifyAll();
    }
  }

  /** Drops every relayed connection and refuses new ones until {@link #open()}. */
  public void cut() {
    open = false;
    dropAll();
  }

  public void open() {
    open = true;
  }

  /** Drops every relayed connection; new ones are accepted. */
  public void dropAll() {
    for (Link l : links) {
      l.close();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      accepted.incrementAndGet();
      if (!open) {
        quietly(client);
        continue;
      }
      try {
        Socket upstream = new Socket(targetHost, targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        Link link = new Link(client, upstream);
        links.removeIf(l -> l.closed);
        links.add(link);
        link.start();
      } catch (IOException e) {
        quietly(client); // the broker is down: the client sees a refused connection
      }
    }
  }

  // Armed drops fire in the order they were armed: each one counts from the moment the one before
  // it fired, so arming the same drop three times breaks three successive sessions at that step.
  private synchronized boolean shouldDrop(Direction direction, PacketType type) {
    if (armed.isEmpty()) {
      return false;
    }
    Armed a = armed.get(0);
    Drop d = a.drop();
    if (d.direction() == direction && d.type() == type && a.remaining().getAndDecrement() == 0) {
      armed.remove(0);
      dropsFired.incrementAndGet();
      return true;
    }
    return false;
  }

  private boolean shouldLose(Direction direction, PacketType type) {
    AtomicInteger left = toLose.getOrDefault(direction, Map.of()).get(type);
    if (left == null || left.getAndUpdate(n -> Math.max(0, n - 1)) == 0) {
      return false;
    }
    lost.incrementAndGet();
    return true;
  }

  private void awaitNotStalled() throws InterruptedException {
    synchronized (stall) {
      while (stalled && !closed) {
        stall.wait(100);
      }
    }
  }

  // A drop with its own countdown.
  private static final class Armed {
    private final Drop drop;
    private final AtomicInteger remaining;

    Armed(Drop drop, AtomicInteger remaining) {
      this.drop = drop;
      this.remaining = remaining;
    }

    Drop drop() {
      return drop;
    }

    AtomicInteger remaining() {
      return remaining;
    }
  }

  /** One client connection and its connection to the broker. */
  private final class Link {
    private final Socket client;
    private final Socket upstream;
    private volatile boolean closed;

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start() {
      daemon(() -> relay(client, upstream, Direction.TO_BROKER), "mqtt-fault-proxy-up").start();
      daemon(() -> relay(upstream, client, Direction.TO_CLIENT), "mqtt-fault-proxy-down").start();
    }

    private void relay(Socket from, Socket to, Direction direction) {
      Map<PacketType, AtomicLong> counts = direction == Direction.TO_CLIENT ? toClient : toBroker;
      try {
        DataInputStream in = new DataInputStream(from.getInputStream());
        OutputStream out = to.getOutputStream();
        while (!closed) {
          byte[] packet = readPacket(in);
          awaitNotStalled();
          PacketType type = PacketType.of(packet[0]);
          if (closed || shouldDrop(direction, type)) {
            break;
          }
          if (shouldLose(direction, type)) {
            continue;
          }
          out.write(packet);
          out.flush();
          counts.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
        }
      } catch (IOException e) {
        // one side went away: close both below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        close();
      }
    }

    void close() {
      closed = true;
      quietly(client);
      quietly(upstream);
    }
  }

  /** Reads one whole MQTT packet: fixed header byte, remaining length (1-4 bytes), body. */
  static byte[] readPacket(DataInputStream in) throws IOException {
    int first = in.read();
    if (first < 0) {
      throw new EOFException("connection closed");
    }
    List<Integer> lengthBytes = new ArrayList<>(4);
    int length = 0;
    int multiplier = 1;
    int b;
    do {
      b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed inside a fixed header");
      }
      lengthBytes.add(b);
      length += (b & 0x7f) * multiplier;
      multiplier *= 128;
      if (lengthBytes.size() > 4) {
        throw new IOException("malformed MQTT remaining length");
      }
    } while ((b & 0x80) != 0);
    byte[] packet = new byte[1 + lengthBytes.size() + length];
    packet[0] = (byte) first;
    for (int i = 0; i < lengthBytes.size(); i++) {
      packet[1 + i] = (byte) (int) lengthBytes.get(i);
    }
    in.readFully(packet, 1 + lengthBytes.size(), length);
    return packet;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closed = true;
    open = false;
    resume();
    dropAll();
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
