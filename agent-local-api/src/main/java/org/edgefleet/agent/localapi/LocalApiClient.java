package org.edgefleet.agent.localapi;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal blocking HTTP/1.1 client of the local endpoint over TCP or the Unix socket, one
 * keep-alive connection, one request at a time. For Java tools and tests on the device (the
 * JDK's HttpClient cannot speak over a Unix socket); applications in Java call the agent in
 * process instead. Not thread-safe.
 */
public final class LocalApiClient implements AutoCloseable {

  /** A response: status, lower-cased headers, body. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final int MAX_HEAD = 64 * 1024;
  private static final int MAX_BODY = 256 << 20;

  private final SocketAddress address;
  private SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);

  private LocalApiClient(SocketAddress address) {
    this.address = address;
  }

  public static LocalApiClient tcp(InetSocketAddress address) {
    return new LocalApiClient(address);
  }

  public static LocalApiClient unix(Path socket) {
    return new LocalApiClient(UnixDomainSocketAddress.of(socket));
  }

  public Response get(String path) throws IOException {
    return send("GET", path, null, null, Map.of());
  }

  public Response post(String path, String contentType, byte[] body) throws IOException {
    return send("POST", path, contentType, body, Map.of());
  }

  public Response send(String method, String path, String contentType, byte[] body, Map<String, String> headers)
      throws IOException {
    StringBuilder head = new StringBuilder(128).append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: local\r\n");
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    ByteBuffer[] request = {ByteBuffer.wrap(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1)),
        ByteBuffer.wrap(body == null ? new byte[0] : body)};
    SocketChannel ch = connection();
    while (request[1].hasRemaining() || request[0].hasRemaining()) {
      ch.write(request);
    }
    Response r = read(ch);
    if ("close".equalsIgnoreCase(r.headers().get("connection"))) {
      close();
    }
    return r;
  }

  private SocketChannel connection() throws IOException {
    if (channel == null || !channel.isOpen()) {
      boolean unix = address instanceof UnixDomainSocketAddress;
      channel = SocketChannel.open(unix ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
      if (!unix) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
      channel.connect(address);
      in.clear().flip();
    }
    return channel;
  }

  private Response read(SocketChannel ch) throws IOException {
    ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0d0a0d0a) {
      byte b = next(ch);
      headBytes.write(b);
      last4 = (last4 << 8) | (b & 0xff);
      if (headBytes.size() > MAX_HEAD) {
        throw new IOException("the response head is larger than " + MAX_HEAD + " bytes");
      }
    }
    String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: " + lines[0]);
    }
    int code = Integer.parseInt(status[1]);
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
      }
    }
    if (code == 100) {
      return read(ch);
    }
    long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
    if (length > MAX_BODY) {
      throw new IOException("the response body of " + length + " bytes is larger than this client takes");
    }
    byte[] body = new byte[(int) length];
    int n = 0;
    while (n < body.length) {
      if (!in.hasRemaining()) {
        fill(ch);
      }
      int take = Math.min(in.remaining(), body.length - n);
      in.get(body, n, take);
      n += take;
    }
    return new Response(code, Map.copyOf(headers), body);
  }

  private byte next(SocketChannel ch) throws IOException {
    if (!in.hasRemaining()) {
      fill(ch);
    }
    return in.get();
  }

  private void fill(SocketChannel ch) throws IOException {
    in.clear();
    int n = ch.read(in);
    in.flip();
    if (n < 0) {
      close();
      throw new EOFException("the endpoint closed the connection");
    }
  }

  @Override
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    }
  }
}
