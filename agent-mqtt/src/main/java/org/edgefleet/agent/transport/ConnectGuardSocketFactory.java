package org.edgefleet.agent.transport;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;

/**
 * Plain TCP sockets for Paho that hold back everything the peer sends, an end of stream too,
 * until the client has written its first byte (the CONNECT packet).
 *
 * <p>Why: Paho 1.2.5 starts its receiver and sender threads and then polls, every 100 ms and
 * ignoring interrupts, until it sees each one running. When the peer closes the socket at once
 * (a port that accepts and resets, a broker going down), the receiver can start and stop between
 * two polls, and Paho's connect thread then polls forever: one thread leaked per attempt, and a
 * non-daemon one kept the JVM alive. Before CONNECT is written the peer has nothing legitimate to
 * say, and by then both threads are known to run, so holding reads until then closes that window.
 * {@link #settled()} tells {@link PahoConnection} when stopping the client is safe for the same reason.
 */
final class ConnectGuardSocketFactory extends SocketFactory {

  private static final long POLL_MILLIS = 1000;

  private final CountDownLatch firstWrite = new CountDownLatch(1);

  /** Whether the client has written to the socket, i.e. Paho's connect thread is past its start-up. */
  boolean settled() {
    return firstWrite.getCount() == 0;
  }

  /** Waits until {@link #settled()}, at most {@code millis}. */
  boolean awaitSettled(long millis) throws InterruptedException {
    return firstWrite.await(millis, TimeUnit.MILLISECONDS);
  }

  @Override
  public Socket createSocket() {
    return new GuardedSocket();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    Socket s = new GuardedSocket();
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
    Socket s = new GuardedSocket();
    s.bind(new InetSocketAddress(localHost, localPort));
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    Socket s = new GuardedSocket();
    s.connect(new InetSocketAddress(host, port));
    return s;
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
    Socket s = new GuardedSocket();
    s.bind(new InetSocketAddress(localAddress, localPort));
    s.connect(new InetSocketAddress(address, port));
    return s;
  }

  private final class GuardedSocket extends Socket {
    private InputStream guardedIn;
    private OutputStream guardedOut;

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (guardedIn == null) {
        guardedIn = new FilterInputStream(super.getInputStream()) {
          @Override
          public int read() throws IOException {
            awaitFirstWrite();
            return super.read();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            awaitFirstWrite();
            return super.read(b, off, len);
          }

          @Override
          public int available() throws IOException {
            return settled() ? super.available() : 0;
          }
        };
      }
      return guardedIn;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
      if (guardedOut == null) {
        guardedOut = new FilterOutputStream(super.getOutputStream()) {
          @Override
          public void write(int b) throws IOException {
            super.write(b);
            firstWrite.countDown();
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            super.out.write(b, off, len); // FilterOutputStream would write byte by byte
            firstWrite.countDown();
          }
        };
      }
      return guardedOut;
    }

    // Paho reads with a socket timeout and treats a timeout as "nothing yet": do the same.
    private void awaitFirstWrite() throws IOException {
      try {
        if (!firstWrite.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          throw new SocketTimeoutException("nothing sent yet");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }
}
