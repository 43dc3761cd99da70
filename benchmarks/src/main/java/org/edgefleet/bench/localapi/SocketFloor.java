package org.edgefleet.bench.localapi;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The least any local IPC of a given size costs on this machine: a peer thread that reads a
 * request of a known size from a blocking socket and writes back a response of a known size,
 * no parsing, no thread hand-off. What the endpoint adds beyond it is HTTP, decoding, encoding
 * and its selector-to-worker hand-off.
 */
final class SocketFloor implements AutoCloseable {

  private final ServerSocketChannel server;
  private final SocketChannel client;
  private final Thread peer;
  private final ByteBuffer request;
  private final ByteBuffer response;

  private SocketFloor(ServerSocketChannel server, SocketChannel client, SocketChannel accepted, int requestBytes,
      int responseBytes) {
    this.server = server;
    this.client = client;
    this.request = ByteBuffer.allocate(requestBytes);
    this.response = ByteBuffer.allocate(responseBytes);
    this.peer = new Thread(() -> echo(accepted, requestBytes, responseBytes), "socket-floor-peer");
    this.peer.setDaemon(true);
    this.peer.start();
  }

  static SocketFloor open(boolean unix, Path dir, int requestBytes, int responseBytes) throws IOException {
    ServerSocketChannel server;
    SocketAddress address;
    if (unix) {
      Path socket = dir.resolve("floor.sock");
      Files.deleteIfExists(socket);
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
      address = UnixDomainSocketAddress.of(socket);
    } else {
      server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      address = server.getLocalAddress();
    }
    SocketChannel client = SocketChannel.open(unix ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
    client.connect(address);
    SocketChannel accepted = server.accept();
    if (!unix) {
      client.setOption(StandardSocketOptions.TCP_NODELAY, true);
      accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }
    return new SocketFloor(server, client, accepted, requestBytes, responseBytes);
  }

  /** One round trip; returns the bytes received. */
  double call() throws IOException {
    request.clear();
    while (request.hasRemaining()) {
      client.write(request);
    }
    response.clear();
    while (response.hasRemaining()) {
      if (client.read(response) < 0) {
        throw new IOException("the floor peer closed");
      }
    }
    return response.capacity();
  }

  private static void echo(SocketChannel ch, int requestBytes, int responseBytes) {
    ByteBuffer in = ByteBuffer.allocate(requestBytes);
    ByteBuffer out = ByteBuffer.allocate(responseBytes);
    try (ch) {
      for (;;) {
        in.clear();
        while (in.hasRemaining()) {
          if (ch.read(in) < 0) {
            return;
          }
        }
        out.clear();
        while (out.hasRemaining()) {
          ch.write(out);
        }
      }
    } catch (IOException e) {
      // the benchmark closed its side
    }
  }

  @Override
  public void close() throws IOException {
    client.close();
    server.close();
    try {
      peer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
