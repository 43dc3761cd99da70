package org.edgefleet.server.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.FleetException;

/**
 * Reads a request's JSON body into a type. Whatever is wrong with it is a 400 {@code bad_request}
 * that names the field and what it must be, never parser internals.
 */
final class JsonBody {

  private JsonBody() {}

  /**
   * @param example a valid body, shown in every refusal so the caller sees the way forward
   */
  static <T> T read(RoutingContext ctx, Class<T> type, String example) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw bad("the body is empty", example);
    }
    T value;
    try {
      value = Json.mapper().readValue(body.getBytes(), type);
    } catch (ValueInstantiationException e) {
      throw bad(e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : "the body is incomplete", example);
    } catch (MismatchedInputException e) {
      String field = path(e);
      throw bad(field.isEmpty() ? "the body must be one JSON object" : "field '" + field + "' must be " + what(e.getTargetType()), example);
    } catch (JsonMappingException e) {
      String field = path(e);
      String problem = e.getCause() instanceof InputCoercionException ? "is out of range" : "has an invalid value";
      throw bad(field.isEmpty() ? "the body does not fit" : "field '" + field + "' " + problem, example);
    } catch (InputCoercionException e) {
      throw bad("a number in the body is out of range" + at(e.getLocation()), example);
    } catch (JsonProcessingException e) {
      throw bad("the body is not valid JSON" + at(e.getLocation()), example);
    } catch (IOException e) {
      throw bad("the body cannot be read", example);
    }
    if (value == null) {
      throw bad("the body is null", example);
    }
    return value;
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static String what(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class || type == Short.class) {
      return "an integer";
    }
    if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class || type.isEnum()) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return Map.class.isAssignableFrom(type) || type.isRecord() ? "an object" : "of another type";
  }

  private static String at(JsonLocation l) {
    return l == null || l.getLineNr() < 0 ? "" : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")";
  }

  private static FleetException bad(String what, String example) {
    return FleetException.invalid("bad_request", what + ": send JSON like " + example);
  }
}
