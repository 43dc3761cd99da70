package org.edgefleet.agent.localapi;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefleet.agent.EdgeAgent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local inference endpoint: HTTP/1.1 on a loopback TCP port and on a Unix domain socket,
 * over JDK channels. One selector thread accepts, reads and writes; a bounded pool of workers
 * runs the requests (parsing tensors, {@code predict}, encoding), so a slow model or a large body
 * never stalls the other connections. Every resource a caller can make it hold is bounded
 * ({@link LocalApiSettings}), and {@link #close()} stops every thread it started.
 */
public final class LocalApiServer implements AutoCloseable {

  static final Duration LINGER = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(LocalApiServer.class);
  private static final long SWEEP_MILLIS = 100;
  // Refused connections linger a moment so the caller reads its 503; at most this many per slot.
  private static final int REFUSALS_PER_SLOT = 4;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final LocalApiSettings settings;
  private final Routes routes;
  private final LocalApiCounters counters = new LocalApiCounters();
  private final Selector selector;
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final Set<Connection> connections = new HashSet<>();
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicLong bodyBudget;
  private final ThreadPoolExecutor workers;
  private final ByteBuffer drain = ByteBuffer.allocate(16 * 1024);
  private final ByteBuffer busy;
  private final Thread selectorThread;
  private InetSocketAddress tcpAddress;
  private UnixSocketFile socketFile;
  private int counted;
  private volatile boolean running = true;

  private LocalApiServer(EdgeAgent agent, LocalApiSettings settings) throws IOException {
    this.settings = settings;
    this.routes = new Routes(agent, settings, counters);
    this.bodyBudget = new AtomicLong(settings.bodyBudgetBytes());
    HttpResponse refused = HttpResponse.error(ApiError.busy("the endpoint has " + settings.maxConnections()
        + " connections open (localApi.maxConnections); retry later or reuse a connection"), true);
    ByteBuffer head = refused.head();
    this.busy = ByteBuffer.allocate(head.remaining() + refused.body().length).put(head).put(refused.body()).flip();
    AtomicInteger n = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(settings.workers(), settings.workers(), 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(settings.queuedRequests()), r -> {
          Thread t = new Thread(r, "local-api-worker-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.selector = Selector.open();
    this.selectorThread = new Thread(this::run, "local-api-selector");
    this.selectorThread.setDaemon(true);
  }

  /**
   * Opens the listeners the settings name and starts serving {@code agent}. Refuses (and opens
   * nothing) when the socket path holds anything but a stale socket, or a port is taken.
   */
  public static LocalApiServer start(EdgeAgent agent, LocalApiSettings settings) throws IOException {
    LocalApiServer server = new LocalApiServer(agent, settings);
    try {
      server.listen();
    } catch (IOException | RuntimeException e) {
      server.closeListeners();
      server.selector.close();
      server.workers.shutdownNow();
      throw e;
    }
    server.selectorThread.start();
    log.info("event=local_api_started tcp={} unixSocket={} access={}", server.tcpAddress,
        settings.unixSocket(), settings.unixSocket() == null ? "-" : settings.socketAccess().name().toLowerCase());
    return server;
  }

  private void listen() throws IOException {
    if (settings.tcpPort() != null) {
      ServerSocketChannel tcp = ServerSocketChannel.open();
      listeners.add(tcp);
      tcp.bind(new InetSocketAddress(InetAddress.getByName(settings.tcpHost()), settings.tcpPort()), backlog());
      tcpAddress = (InetSocketAddress) tcp.getLocalAddress();
    }
    if (settings.unixSocket() != null) {
      socketFile = UnixSocketFile.bind(settings.unixSocket(), settings.socketAccess(), settings.socketGroup(), backlog());
      listeners.add(socketFile.channel());
    }
    for (ServerSocketChannel l : listeners) {
      l.configureBlocking(false);
      l.register(selector, SelectionKey.OP_ACCEPT);
    }
  }

  // Room for a burst of connections the selector has not accepted yet: they get a 503, not a dropped SYN.
  private int backlog() {
    return settings.maxConnections() * (1 + REFUSALS_PER_SLOT);
  }

  /** The TCP listener's address (its port when 0 was asked for), if there is one. */
  public Optional<InetSocketAddress> tcpAddress() {
    return Optional.ofNullable(tcpAddress);
  }

  public Optional<Path> unixSocket() {
    return Optional.ofNullable(settings.unixSocket());
  }

  private void run() {
    try {
      while (running) {
        selector.select(SWEEP_MILLIS);
        for (Runnable t; (t = tasks.poll()) != null; ) {
          t.run();
        }
        for (SelectionKey key : selector.selectedKeys()) {
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            accept((ServerSocketChannel) key.channel());
          } else {
            Connection c = (Connection) key.attachment();
            if (key.isReadable()) {
              c.onReadable();
            }
            if (key.isValid() && key.isWritable()) {
              c.onWritable();
            }
          }
        }
        selector.selectedKeys().clear();
        sweep();
      }
    } catch (IOException | RuntimeException e) {
      log.error("event=local_api_failed reason={}", e.toString(), e);
    } finally {
      for (Connection c : List.copyOf(connections)) {
        c.close();
      }
    }
  }

  private void accept(ServerSocketChannel listener) throws IOException {
    for (SocketChannel ch; (ch = listener.accept()) != null; ) {
      ch.configureBlocking(false);
      if (ch.getLocalAddress() instanceof InetSocketAddress) {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // responses are one write; do not hold them back
      }
      boolean refuse = counted >= settings.maxConnections();
      if (refuse && connections.size() - counted >= REFUSALS_PER_SLOT * settings.maxConnections()) {
        counters.refused();
        ch.close(); // even the refusals are bounded: past this, a flood gets no answer at all
        continue;
      }
      Connection c = new Connection(this, ch, !refuse);
      c.register(ch.register(selector, refuse ? 0 : SelectionKey.OP_READ, c));
      connections.add(c);
      if (refuse) {
        counters.refused();
        c.refuseAtAccept(busy.duplicate());
      } else {
        counted++;
        counters.opened();
      }
    }
  }

  private void sweep() {
    long now = now();
    for (Connection c : List.copyOf(connections)) {
      c.expireIfDue(now);
    }
  }

  void closed(Connection c) {
    if (connections.remove(c) && c.counted()) {
      counted--;
      counters.closed();
    }
  }

  void onSelector(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  boolean reserveBody(long bytes) {
    for (;;) {
      long left = bodyBudget.get();
      if (left < bytes) {
        return false;
      }
      if (bodyBudget.compareAndSet(left, left - bytes)) {
        return true;
      }
    }
  }

  void releaseBody(long bytes) {
    bodyBudget.addAndGet(bytes);
  }

  long now() {
    return System.nanoTime();
  }

  LocalApiSettings settings() {
    return settings;
  }

  Routes routes() {
    return routes;
  }

  LocalApiCounters counters() {
    return counters;
  }

  ExecutorService workers() {
    return workers;
  }

  ByteBuffer drainBuffer() {
    return drain;
  }

  /** Stops accepting, ends every connection, stops the selector and the workers, removes the socket file. */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    running = false;
    selector.wakeup();
    try {
      selectorThread.join(CLOSE_TIMEOUT.toMillis());
      workers.shutdownNow();
      if (!workers.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("event=local_api_close_slow reason=a request still runs after {}", CLOSE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeListeners();
    try {
      selector.close();
    } catch (IOException e) {
      log.debug("event=local_api_selector_close_failed reason={}", e.toString());
    }
    log.info("event=local_api_closed");
  }

  private void closeListeners() {
    for (ServerSocketChannel l : listeners) {
      try {
        l.close();
      } catch (IOException e) {
        log.debug("event=local_api_listener_close_failed reason={}", e.toString());
      }
    }
    if (socketFile != null) {
      socketFile.remove();
    }
  }
}
