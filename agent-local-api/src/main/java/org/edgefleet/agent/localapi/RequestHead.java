package org.edgefleet.agent.localapi;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 request line and headers, parsed strictly from bytes a caller sent: CRLF line ends,
 * no folded lines, one Content-Length, no chunked bodies. Anything else is refused with a status
 * and the reason, because a lenient parser on a socket other processes share is where request
 * smuggling and slow-read tricks start.
 *
 * @param headers lower-cased names; a repeated header keeps its last value (Content-Length excepted: refused)
 * @param contentLength body length, 0 without a body
 */
record RequestHead(String method, String target, boolean http10, Map<String, String> headers, int contentLength) {

  /** Where the head ends in {@code buf[0..len)}: the index after CRLF CRLF, or -1 while incomplete. */
  static int end(byte[] buf, int from, int len) {
    for (int i = Math.max(3, from); i < len; i++) {
      if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
        return i + 1;
      }
    }
    return -1;
  }

  static RequestHead parse(byte[] buf, int headEnd, int maxHeaders, long maxBodyBytes) throws ApiError {
    String text = new String(buf, 0, headEnd - 4, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n", -1);
    if (lines.length - 1 > maxHeaders) {
      throw new ApiError(431, "too_many_headers", "the request has " + (lines.length - 1) + " header lines; at most "
          + maxHeaders + " are taken");
    }
    String[] requestLine = lines[0].split(" ", -1);
    if (requestLine.length != 3 || requestLine[0].isEmpty() || !requestLine[1].startsWith("/")) {
      throw ApiError.badRequest("malformed_request", "the request line must be 'METHOD /path HTTP/1.1'");
    }
    String version = requestLine[2];
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw new ApiError(505, "http_version", "only HTTP/1.1 and HTTP/1.0 are served, not '" + printable(version) + "'");
    }
    Map<String, String> headers = new HashMap<>();
    String length = null;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t' || hasSpaceOrControl(line, colon)) {
        throw ApiError.badRequest("malformed_header", "header line " + i + " is not 'Name: value'");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      if (name.equals("content-length")) {
        if (length != null && !length.equals(value)) {
          throw ApiError.badRequest("malformed_header", "the request has two different Content-Length headers");
        }
        length = value;
      }
      headers.put(name, value);
    }
    if (headers.containsKey("transfer-encoding")) {
      throw new ApiError(501, "chunked_not_supported", "Transfer-Encoding is not supported: send the body with a"
          + " Content-Length (curl --data-binary @file, Python requests data=bytes)");
    }
    int contentLength = contentLength(length, maxBodyBytes);
    if (requestLine[0].equals("POST") && length == null) {
      throw new ApiError(411, "length_required", "a POST needs a Content-Length header");
    }
    return new RequestHead(requestLine[0], requestLine[1], version.equals("HTTP/1.0"), Map.copyOf(headers),
        contentLength);
  }

  private static int contentLength(String value, long max) throws ApiError {
    if (value == null) {
      return 0;
    }
    if (value.isEmpty() || value.length() > 12 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw ApiError.badRequest("malformed_header", "Content-Length '" + printable(value) + "' is not a byte count");
    }
    long n = Long.parseLong(value);
    if (n > max) {
      throw new ApiError(413, "body_too_large", "the body is " + n + " bytes; at most " + max + " are taken here"
          + " (localApi.maxBodyBytes)");
    }
    return (int) n;
  }

  private static boolean hasSpaceOrControl(String line, int colon) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if ((i < colon && (c == ' ' || c == '\t')) || (c < 0x20 && c != '\t') || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  boolean expectsContinue() {
    String e = headers.get("expect");
    return e != null && e.equalsIgnoreCase("100-continue");
  }

  /** Whether the connection stays open after the response (HTTP/1.1 unless told otherwise). */
  boolean keepAlive() {
    String c = headers.get("connection");
    if (http10) {
      return c != null && c.equalsIgnoreCase("keep-alive");
    }
    return c == null || !c.equalsIgnoreCase("close");
  }

  static String printable(String s) {
    String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
