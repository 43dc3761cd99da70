package org.edgefleet.protocol.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import org.edgefleet.protocol.json.Json;

/**
 * Decodes untrusted JSON messages: bounded in size, version-checked before the body is bound,
 * and validated by each message's constructor. Every failure is a {@link MessageException}
 * with a reason, never a runtime exception.
 */
public final class MessageCodec {

  /** Messages are versioned by a top-level integer field {@code v}; this build speaks 1. */
  public static final int VERSION = 1;

  private MessageCodec() {}

  public static byte[] encode(Object message) {
    return Json.write(message);
  }

  public static <T> T decode(byte[] payload, Class<T> type, int maxBytes) throws MessageException {
    if (payload == null || payload.length == 0) {
      throw new MessageException(MessageException.Reason.MALFORMED, "empty " + type.getSimpleName() + " message");
    }
    if (payload.length > maxBytes) {
      throw new MessageException(MessageException.Reason.TOO_LARGE,
          type.getSimpleName() + " of " + payload.length + " bytes exceeds the limit of " + maxBytes);
    }
    JsonNode tree;
    try {
      tree = Json.mapper().readTree(payload);
    } catch (IOException e) {
      throw new MessageException(MessageException.Reason.MALFORMED, "not JSON: " + firstLine(e), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new MessageException(MessageException.Reason.MALFORMED, type.getSimpleName() + " must be a JSON object");
    }
    JsonNode v = tree.get("v");
    if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new MessageException(MessageException.Reason.INVALID, type.getSimpleName() + " has no integer version field v");
    }
    if (v.intValue() != VERSION) {
      throw new MessageException(MessageException.Reason.UNSUPPORTED_VERSION,
          type.getSimpleName() + " version " + v.intValue() + " is not supported (this build speaks " + VERSION + ")");
    }
    try {
      return Json.mapper().treeToValue(tree, type);
    } catch (ValueInstantiationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new MessageException(MessageException.Reason.INVALID, type.getSimpleName() + ": " + cause.getMessage(), e);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new MessageException(MessageException.Reason.INVALID, type.getSimpleName() + ": " + firstLine(e), e);
    }
  }

  static void requireVersion(int v, String what) {
    if (v != VERSION) {
      throw new IllegalArgumentException(what + " version must be " + VERSION + ", was " + v);
    }
  }

  private static String firstLine(Exception e) {
    String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m.split("\\R", 2)[0];
  }
}
