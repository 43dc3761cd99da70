package org.edgefleet.server.coap;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/** Sends hand-made datagrams to a loopback port and reads the answer, if any comes within ten seconds. */
final class RawUdp implements AutoCloseable {

  private final DatagramSocket socket;
  private final InetSocketAddress target;

  RawUdp(int port) throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    socket.setSoTimeout(10_000);
    target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /** The answer's bytes, or null when none came. */
  byte[] exchange(byte[] datagram) throws IOException {
    socket.send(new DatagramPacket(datagram, datagram.length, target));
    byte[] buf = new byte[2048];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    try {
      socket.receive(p);
    } catch (SocketTimeoutException e) {
      return null;
    }
    return Arrays.copyOf(p.getData(), p.getLength());
  }

  @Override
  public void close() {
    socket.close();
  }
}
