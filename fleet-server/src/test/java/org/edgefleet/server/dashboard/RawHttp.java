package org.edgefleet.server.dashboard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 written by hand, so a test sends exactly the path it means (clients normalize "..")
 * and can hold a stream open and read it line by line.
 */
final class RawHttp implements AutoCloseable {

  private final Socket socket;
  private final BufferedReader in;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
  }

  /** Sends GET with the raw target and returns the connection, positioned at the status line. */
  static RawHttp get(String baseUrl, String rawTarget) throws IOException {
    return get(baseUrl, rawTarget, null);
  }

  /** The same with {@code Authorization: Bearer token} (none when null). */
  static RawHttp get(String baseUrl, String rawTarget, String token) throws IOException {
    URI base = URI.create(baseUrl);
    Socket s = new Socket(base.getHost(), base.getPort());
    s.setSoTimeout(20_000);
    OutputStream out = s.getOutputStream();
    out.write(("GET " + rawTarget + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
        + "\r\nAccept: */*\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return new RawHttp(s);
  }

  /** The status code of the answer. */
  int status() throws IOException {
    String line = in.readLine();
    if (line == null) {
      throw new IOException("the server closed the connection without an answer");
    }
    return Integer.parseInt(line.split(" ")[1]);
  }

  /** The next line, or null at the end of the stream. */
  String line() throws IOException {
    return in.readLine();
  }

  /** Reads lines until one starts with {@code prefix}; returns it, or throws at the end of the stream. */
  String until(String prefix) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IOException("the stream ended before a line starting with '" + prefix + "'");
  }

  /** Everything after the status line until the server closes (every request asks it to) or {@code max} characters. */
  String rest(int max) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while (b.length() < max && (c = in.read()) >= 0) {
      b.append((char) c);
    }
    return b.toString();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
