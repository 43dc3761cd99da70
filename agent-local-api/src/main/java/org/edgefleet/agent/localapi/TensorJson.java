package org.edgefleet.agent.localapi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Reads a predict body, {@code {"inputs": {"x": {"dtype": "float32", "shape": [1, 4], "data": [...]}}}},
 * streaming numbers straight into primitive arrays (a 1 MiB input is a quarter million numbers:
 * no boxing, no tree). {@code data} is flat (row-major) or nested like NumPy's {@code tolist()};
 * either way it must hold exactly the values the shape needs, each within its dtype's range.
 */
final class TensorJson {

  private TensorJson() {}

  static Map<String, Tensor> readInputs(byte[] body) throws ApiError {
    try (JsonParser p = Json.mapper().getFactory().createParser(body)) {
      p.enable(JsonParser.Feature.USE_FAST_DOUBLE_PARSER); // a quarter million numbers in a 1 MiB input
      expect(p.nextToken() == JsonToken.START_OBJECT, "the body must be a JSON object {\"inputs\": {...}}");
      Map<String, Tensor> inputs = null;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        p.nextToken();
        if (!field.equals("inputs")) {
          throw ApiError.badRequest("malformed_json", "unknown field '" + RequestHead.printable(field)
              + "' in the body: it holds only \"inputs\"");
        }
        inputs = readTensors(p, body.length);
      }
      expect(inputs != null, "the body has no \"inputs\" object");
      expect(p.nextToken() == null, "the body has data after its JSON object");
      return inputs;
    } catch (JsonProcessingException e) {
      throw ApiError.badRequest("malformed_json", "the body is not valid JSON: " + e.getOriginalMessage()
          + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
    } catch (IOException e) {
      throw ApiError.badRequest("malformed_json", "the body cannot be read: " + e.getMessage());
    }
  }

  private static Map<String, Tensor> readTensors(JsonParser p, int bodyBytes) throws IOException, ApiError {
    expect(p.currentToken() == JsonToken.START_OBJECT, "\"inputs\" must be an object of tensors by input name");
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String name = p.currentName();
      p.nextToken();
      if (tensors.put(name, readTensor(p, name, bodyBytes)) != null) {
        throw ApiError.badRequest("malformed_json", "input '" + RequestHead.printable(name) + "' is given twice");
      }
    }
    return tensors;
  }

  private static Tensor readTensor(JsonParser p, String name, int bodyBytes) throws IOException, ApiError {
    String label = "input '" + RequestHead.printable(name) + "'";
    expect(p.currentToken() == JsonToken.START_OBJECT, label + " must be an object with dtype, shape and data");
    DType dtype = null;
    long[] shape = null;
    TokenBuffer early = null;
    Tensor tensor = null;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "dtype" -> dtype = dtype(p, label);
        case "shape" -> shape = shape(p, label);
        case "data" -> {
          if (dtype != null && shape != null) {
            tensor = new DataReader(p, label, dtype, shape, bodyBytes).read();
          } else {
            // data before dtype and shape: keep its tokens and read them once both are known
            early = new TokenBuffer(p);
            early.copyCurrentStructure(p);
          }
        }
        default -> throw ApiError.badRequest("malformed_json", label + " has an unknown field '"
            + RequestHead.printable(field) + "' (fields: dtype, shape, data)");
      }
    }
    expect(dtype != null && shape != null && (tensor != null || early != null), label + " needs dtype, shape and data");
    if (tensor != null) {
      return tensor;
    }
    try (JsonParser replay = early.asParser()) {
      replay.nextToken();
      return new DataReader(replay, label, dtype, shape, bodyBytes).read();
    }
  }

  private static DType dtype(JsonParser p, String label) throws IOException, ApiError {
    expect(p.currentToken() == JsonToken.VALUE_STRING, label + ": dtype must be a string such as \"float32\"");
    try {
      return DType.fromWireName(p.getText());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("bad_dtype", label + ": " + e.getMessage());
    }
  }

  private static long[] shape(JsonParser p, String label) throws IOException, ApiError {
    expect(p.currentToken() == JsonToken.START_ARRAY, label + ": shape must be an array of sizes such as [1, 4]");
    List<Long> dims = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      expect(t == JsonToken.VALUE_NUMBER_INT && p.getLongValue() >= 0 && dims.size() < 32,
          label + ": shape must hold at most 32 non-negative integers");
      dims.add(p.getLongValue());
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  static void expect(boolean ok, String message) throws ApiError {
    if (!ok) {
      throw ApiError.badRequest("malformed_json", message);
    }
  }

  /** Reads one {@code data} value (flat or nested arrays) into the tensor its dtype and shape describe. */
  private static final class DataReader {
    private final JsonParser p;
    private final String label;
    private final DType dtype;
    private final long[] shape;
    private final float[] floats;
    private final long[] longs;
    private final int count;
    private int n;

    DataReader(JsonParser p, String label, DType dtype, long[] shape, int bodyBytes) throws ApiError {
      this.p = p;
      this.label = label;
      this.dtype = dtype;
      this.shape = shape;
      long elements;
      try {
        elements = Tensor.elementCount(shape);
      } catch (ArithmeticException e) {
        throw ApiError.badRequest("bad_shape", label + ": shape " + Arrays.toString(shape) + " is too large");
      }
      // Every value takes at least one byte of the body: a larger shape cannot be honest.
      if (elements > bodyBytes) {
        throw ApiError.badRequest("bad_shape", label + ": shape " + Arrays.toString(shape) + " needs " + elements
            + " values, more than a body of " + bodyBytes + " bytes can hold");
      }
      this.count = (int) elements;
      this.floats = dtype.isFloating() ? new float[count] : null;
      this.longs = dtype.isFloating() ? null : new long[count];
    }

    Tensor read() throws IOException, ApiError {
      JsonToken t = p.currentToken();
      if (t == JsonToken.START_ARRAY) {
        p.nextToken();
        boolean nested = p.currentToken() == JsonToken.START_ARRAY;
        if (nested) {
          readNested(1);
        } else {
          readFlat();
        }
      } else if (shape.length == 0) {
        value(t);
      } else {
        throw ApiError.badRequest("malformed_json", label + ": data must be an array of numbers");
      }
      if (n != count) {
        throw mismatch(n);
      }
      return dtype.isFloating() ? Tensor.ofFloats(dtype, shape, floats) : Tensor.ofLongs(dtype, shape, longs);
    }

    // At the first token inside the top array.
    private void readFlat() throws IOException, ApiError {
      for (JsonToken t = p.currentToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        value(t);
      }
    }

    // At the first token inside an array at depth `depth` (1-based) of a nested data value.
    private void readNested(int depth) throws IOException, ApiError {
      long items = 0;
      for (JsonToken t = p.currentToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (depth >= shape.length && t == JsonToken.START_ARRAY) {
          throw ApiError.badRequest("bad_shape", label + ": data is nested deeper than its shape "
              + Arrays.toString(shape));
        }
        if (depth < shape.length) {
          if (t != JsonToken.START_ARRAY) {
            throw ApiError.badRequest("malformed_json", label + ": data at depth " + depth + " must hold arrays, as shape "
                + Arrays.toString(shape) + " has " + shape.length + " dimensions");
          }
          p.nextToken();
          readNested(depth + 1);
        } else {
          value(t);
        }
        items++;
      }
      if (items != shape[depth - 1]) {
        throw ApiError.badRequest("bad_shape", label + ": dimension " + (depth - 1) + " of data has " + items
            + " items but the shape " + Arrays.toString(shape) + " says " + shape[depth - 1]);
      }
    }

    private void value(JsonToken t) throws IOException, ApiError {
      if (n == count) {
        throw mismatch(n + 1);
      }
      if (floats != null) {
        if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
          throw notA("a number");
        }
        floats[n++] = p.getFloatValue();
        return;
      }
      long v;
      // Messages are built only on failure: this runs once per value.
      if ((t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) && dtype == DType.BOOL) {
        v = t == JsonToken.VALUE_TRUE ? 1 : 0;
      } else if (t == JsonToken.VALUE_NUMBER_INT) {
        v = p.getLongValue();
      } else {
        throw notA(dtype == DType.BOOL ? "a boolean or 0/1" : "an integer");
      }
      longs[n++] = IntegerRange.check(dtype, v, label, n - 1);
    }

    private ApiError notA(String kind) {
      return ApiError.badRequest("malformed_json", label + ": value " + n + " of a " + dtype.wireName()
          + " tensor must be " + kind);
    }

    private ApiError mismatch(int got) {
      return ApiError.badRequest("bad_shape", label + ": shape " + Arrays.toString(shape) + " needs " + count
          + " values but data has " + (got > count ? "more" : String.valueOf(got)));
    }
  }
}
