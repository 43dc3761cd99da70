package org.edgefleet.agent.localapi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import org.edgefleet.protocol.config.DurationText;

/**
 * One caller's connection: reads a request (head, then body), hands it to a worker, writes the
 * response, and either waits for the next request or closes. Every state but {@code PROCESSING}
 * has a deadline the server's sweep enforces, so a caller that stalls anywhere loses its
 * connection instead of holding it. Owned by the selector thread; a worker touches it only
 * between {@link #dispatch} and its hand-back through {@link LocalApiServer#onSelector}.
 */
final class Connection {

  enum State { AWAITING, READING_HEAD, READING_BODY, PROCESSING, WRITING, DRAINING, CLOSED }

  private static final ByteBuffer CONTINUE = ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
  private static final int DRAIN_CHUNK = 16 * 1024;

  private final LocalApiServer server;
  private final SocketChannel channel;
  private final boolean counted;
  private final byte[] head;
  private SelectionKey key;
  private int headLen;
  private int scanFrom;
  private RequestHead request;
  private byte[] body;
  private int bodyLen;
  private long reserved;
  private ByteBuffer[] out;
  private boolean closeAfterWrite;
  private volatile boolean writeFailed;
  private State state = State.AWAITING;
  private long deadline;

  /** @param counted whether it holds one of the {@code maxConnections} slots (a refused one does not) */
  Connection(LocalApiServer server, SocketChannel channel, boolean counted) {
    this.server = server;
    this.channel = channel;
    this.counted = counted;
    this.head = counted ? new byte[server.settings().maxHeaderBytes()] : new byte[0]; // a refused one reads nothing
    this.deadline = server.now() + server.settings().idleTimeout().toNanos();
  }

  void register(SelectionKey key) {
    this.key = key;
  }

  boolean counted() {
    return counted;
  }

  State state() {
    return state;
  }

  void onReadable() {
    try {
      if (state == State.DRAINING) {
        drain();
      } else if (state == State.READING_BODY) {
        int n = channel.read(ByteBuffer.wrap(body, bodyLen, body.length - bodyLen));
        if (n < 0) {
          close();
          return;
        }
        bodyLen += n;
        if (bodyLen == body.length) {
          dispatch();
        }
      } else if (state == State.AWAITING || state == State.READING_HEAD) {
        int n = channel.read(ByteBuffer.wrap(head, headLen, head.length - headLen));
        if (n < 0) {
          close();
          return;
        }
        headLen += n;
        processBuffered();
      }
    } catch (IOException e) {
      close();
    }
  }

  /** Parses what the head buffer holds: the rest of a head, maybe a body, maybe a pipelined request. */
  private void processBuffered() throws IOException {
    if (headLen == 0) {
      return;
    }
    if (state == State.AWAITING) {
      state = State.READING_HEAD;
      deadline = server.now() + server.settings().requestTimeout().toNanos();
    }
    int end = RequestHead.end(head, scanFrom, headLen);
    if (end < 0) {
      if (headLen == head.length) {
        refuse(new ApiError(431, "header_too_large", "the request line and headers exceed "
            + head.length + " bytes (localApi.maxHeaderBytes)"));
      } else {
        scanFrom = Math.max(0, headLen - 3);
      }
      return;
    }
    try {
      request = RequestHead.parse(head, end, server.settings().maxHeaders(), server.settings().maxBodyBytes());
    } catch (ApiError e) {
      refuse(e);
      return;
    }
    int length = request.contentLength();
    int buffered = Math.min(headLen - end, length);
    if (length > 0) {
      if (!server.reserveBody(length)) {
        refuse(ApiError.busy("the endpoint holds too many request bodies at once (localApi.bodyBudgetBytes); retry"));
        return;
      }
      reserved = length;
      body = new byte[length];
      System.arraycopy(head, end, body, 0, buffered);
      bodyLen = buffered;
    } else {
      body = new byte[0];
      bodyLen = 0;
    }
    System.arraycopy(head, end + buffered, head, 0, headLen - end - buffered);
    headLen -= end + buffered;
    scanFrom = 0;
    if (bodyLen < length) {
      state = State.READING_BODY;
      if (request.expectsContinue()) {
        channel.write(CONTINUE.duplicate());
      }
    } else {
      dispatch();
    }
  }

  private void dispatch() {
    state = State.PROCESSING;
    key.interestOps(0);
    RequestHead r = request;
    byte[] b = body;
    try {
      server.workers().execute(() -> process(r, b));
    } catch (RejectedExecutionException e) {
      releaseBody();
      respond(HttpResponse.error(ApiError.busy("every worker is busy and " + server.settings().queuedRequests()
          + " requests are waiting (localApi.workers, localApi.queuedRequests); retry"), false), r.keepAlive());
    }
  }

  /** On a worker: runs the request and makes the first write attempt, then hands back to the selector. */
  private void process(RequestHead r, byte[] b) {
    HttpResponse response = server.routes().handle(r, b);
    server.counters().response(response.status());
    prepare(response, r.keepAlive());
    try {
      channel.write(out);
    } catch (IOException e) {
      writeFailed = true;
    }
    server.onSelector(() -> {
      releaseBody();
      afterWrite();
    });
  }

  /** On the selector: answers at once (errors before a worker got the request). */
  private void respond(HttpResponse response, boolean keepAlive) {
    server.counters().response(response.status());
    prepare(response, keepAlive);
    try {
      channel.write(out);
    } catch (IOException e) {
      writeFailed = true;
    }
    afterWrite();
  }

  private void refuse(ApiError e) {
    respond(HttpResponse.error(e, true), false);
  }

  private void prepare(HttpResponse response, boolean keepAlive) {
    HttpResponse r = keepAlive ? response : response.closing();
    closeAfterWrite = r.close();
    out = new ByteBuffer[] {r.head(), ByteBuffer.wrap(r.body())};
  }

  private void afterWrite() {
    if (state == State.CLOSED) {
      return;
    }
    if (writeFailed) {
      close();
    } else if (out[1].hasRemaining()) {
      state = State.WRITING;
      deadline = server.now() + server.settings().writeTimeout().toNanos();
      key.interestOps(SelectionKey.OP_WRITE);
    } else {
      finishResponse();
    }
  }

  void onWritable() {
    try {
      channel.write(out);
    } catch (IOException e) {
      close();
      return;
    }
    if (!out[1].hasRemaining()) {
      finishResponse();
    }
  }

  private void finishResponse() {
    out = null;
    request = null;
    if (closeAfterWrite) {
      linger();
      return;
    }
    state = State.AWAITING;
    deadline = server.now() + server.settings().idleTimeout().toNanos();
    key.interestOps(SelectionKey.OP_READ);
    try {
      processBuffered();
    } catch (IOException e) {
      close();
    }
  }

  /**
   * Ends the connection gracefully: no more output, then reads and drops what the caller still
   * sends for a moment. Closing at once with unread input would reset the connection, and the
   * caller might never see the error that explains why.
   */
  void linger() {
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      close();
      return;
    }
    state = State.DRAINING;
    deadline = server.now() + LocalApiServer.LINGER.toNanos();
    key.interestOps(SelectionKey.OP_READ);
  }

  /** A refused connection: the busy answer, then the same graceful end. */
  void refuseAtAccept(ByteBuffer busy) {
    try {
      channel.write(busy);
    } catch (IOException e) {
      close();
      return;
    }
    linger();
  }

  private void drain() throws IOException {
    ByteBuffer sink = server.drainBuffer();
    sink.clear().limit(Math.min(sink.capacity(), DRAIN_CHUNK));
    if (channel.read(sink) < 0) {
      close();
    }
  }

  /** Called by the sweep: a deadline passed. A stalled request gets a 408, anything else just ends. */
  void expireIfDue(long now) {
    if (state == State.PROCESSING || state == State.CLOSED || now - deadline < 0) {
      return;
    }
    if (state == State.READING_HEAD || state == State.READING_BODY) {
      server.counters().timedOut();
      releaseBody();
      refuse(new ApiError(408, "request_timeout", "the request did not arrive within "
          + DurationText.format(server.settings().requestTimeout()) + " (localApi." + LocalApiSettings.REQUEST_TIMEOUT.name() + ")"));
    } else {
      close();
    }
  }

  private void releaseBody() {
    if (reserved > 0) {
      server.releaseBody(reserved);
      reserved = 0;
    }
    body = null;
  }

  void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    releaseBody();
    try {
      channel.close();
    } catch (IOException e) {
      // Closing a socket the peer already dropped: nothing left to release.
    }
    server.closed(this);
  }
}
