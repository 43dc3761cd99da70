package org.edgefleet.agent.localapi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** A caller that sends whatever bytes a test wants, and reads until the endpoint closes. */
final class RawCaller implements AutoCloseable {

  final SocketChannel channel;

  private RawCaller(SocketChannel channel) {
    this.channel = channel;
  }

  static RawCaller connect(SocketAddress address) throws IOException {
    SocketChannel ch = SocketChannel.open(address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX
        : StandardProtocolFamily.INET);
    ch.connect(address);
    return new RawCaller(ch);
  }

  RawCaller send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawCaller send(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      channel.write(b);
    }
    return this;
  }

  /** Everything until the endpoint closes the connection (the tests bound how long that may take). */
  String readToEnd() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(8192);
    try {
      while (channel.read(b.clear()) >= 0) {
        out.write(b.array(), 0, b.position());
      }
    } catch (IOException e) {
      // a reset after the response: what was read is the answer
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
