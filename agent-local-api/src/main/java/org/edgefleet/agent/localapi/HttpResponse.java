package org.edgefleet.agent.localapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgefleet.protocol.json.Json;

/**
 * One response, ready for the wire. {@code close} ends the connection after it is written: after
 * errors that leave the request stream out of step (an unread body, a malformed head).
 */
record HttpResponse(int status, String contentType, byte[] body, boolean close, String allow) {

  static final String JSON = "application/json";
  static final String NPZ = "application/x-npz";
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  // Outputs are arrays of floats: the fast writer prints the same shortest round-trip digits, quicker.
  private static final ObjectWriter WRITER = Json.mapper().writer().with(StreamWriteFeature.USE_FAST_DOUBLE_WRITER);

  static HttpResponse json(int status, Object value) {
    try {
      return new HttpResponse(status, JSON, WRITER.writeValueAsBytes(value), false, null);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  static HttpResponse of(String contentType, byte[] body) {
    return new HttpResponse(200, contentType, body, false, null);
  }

  static HttpResponse error(ApiError e, boolean close) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.code());
    body.put("message", e.getMessage());
    return new HttpResponse(e.status(), JSON, Json.write(body), close, e.allow());
  }

  HttpResponse closing() {
    return close ? this : new HttpResponse(status, contentType, body, true, allow);
  }

  /** Status line and headers; the body goes out as its own buffer (gathering write, no copy). */
  ByteBuffer head() {
    StringBuilder h = new StringBuilder(160).append("HTTP/1.1 ").append(status).append(' ').append(reason(status))
        .append("\r\nContent-Type: ").append(contentType)
        .append("\r\nContent-Length: ").append(body.length)
        .append("\r\nCache-Control: no-store");
    if (allow != null) {
      h.append("\r\nAllow: ").append(allow);
    }
    if (close) {
      h.append("\r\nConnection: close");
    }
    return ByteBuffer.wrap(h.append("\r\n\r\n").toString().getBytes(StandardCharsets.US_ASCII));
  }

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 408 -> "Request Timeout";
      case 411 -> "Length Required";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 417 -> "Expectation Failed";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      case 505 -> "HTTP Version Not Supported";
      default -> "Status " + status;
    };
  }
}
