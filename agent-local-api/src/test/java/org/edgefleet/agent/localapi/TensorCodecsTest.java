package org.edgefleet.agent.localapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.junit.jupiter.api.Test;

/** The JSON and npy/npz forms of tensors, well-formed and lying, without a server. */
class TensorCodecsTest {

  static List<Tensor> everyDtype() {
    return List.of(
        Tensor.ofFloats(new long[] {2, 2}, new float[] {1.5f, -0f, Float.MIN_VALUE, 3.4e38f}),
        Tensor.ofFloats(DType.FLOAT16, new long[] {3}, new float[] {0.5f, -2f, 65504f}),
        Tensor.ofLongs(DType.INT64, new long[] {2}, new long[] {Long.MAX_VALUE, Long.MIN_VALUE}),
        Tensor.ofLongs(DType.INT32, new long[] {1, 2}, new long[] {Integer.MIN_VALUE, 7}),
        Tensor.ofLongs(DType.INT8, new long[] {2}, new long[] {-128, 127}),
        Tensor.ofLongs(DType.UINT8, new long[] {2}, new long[] {0, 255}),
        Tensor.ofLongs(DType.BOOL, new long[] {3}, new long[] {1, 0, 1}),
        Tensor.ofFloats(new long[] {}, new float[] {42f}),
        Tensor.ofFloats(new long[] {0, 4}, new float[0]));
  }

  @Test
  void npzCarriesEveryDtypeAndShapeExactly() throws Exception {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    List<Tensor> all = everyDtype();
    for (int i = 0; i < all.size(); i++) {
      tensors.put("in/" + i + ":0", all.get(i));
    }
    assertThat(Npz.tensors(Npz.read("the answer", Npz.toBytes(tensors), Long.MAX_VALUE))).isEqualTo(tensors);
  }

  @Test
  void jsonReadsFlatNestedScalarAndDataBeforeDtype() throws Exception {
    Map<String, Tensor> in = TensorJson.readInputs(("{\"inputs\":{"
        + "\"flat\":{\"dtype\":\"int8\",\"shape\":[2,2],\"data\":[1,-2,3,-4]},"
        + "\"nested\":{\"data\":[[[1.5],[2]],[[3],[4]]],\"shape\":[2,2,1],\"dtype\":\"float32\"},"
        + "\"scalar\":{\"dtype\":\"int64\",\"shape\":[],\"data\":9007199254740993},"
        + "\"mask\":{\"dtype\":\"bool\",\"shape\":[3],\"data\":[true,false,1]}}}").getBytes(StandardCharsets.UTF_8));
    assertThat(in.get("flat")).isEqualTo(Tensor.ofLongs(DType.INT8, new long[] {2, 2}, new long[] {1, -2, 3, -4}));
    assertThat(in.get("nested")).isEqualTo(Tensor.ofFloats(new long[] {2, 2, 1}, new float[] {1.5f, 2, 3, 4}));
    assertThat(in.get("scalar").longs()).containsExactly(9007199254740993L); // beyond a double's integers
    assertThat(in.get("mask").longs()).containsExactly(1, 0, 1);
  }

  @Test
  void jsonThatLiesAboutItsTensorsIsRefused() {
    assertCode("{\"inputs\":{\"x\":{\"dtype\":\"float32\",\"shape\":[2],\"data\":[1,2]},"
        + "\"x\":{\"dtype\":\"float32\",\"shape\":[2],\"data\":[1,2]}}}", "malformed_json", "given twice");
    assertCode(json("int32", "[1]", "[2147483648]"), "value_out_of_range", "outside int32");
    assertCode(json("int64", "[1]", "[1.5]"), "malformed_json", "must be an integer");
    assertCode(json("float32", "[1]", "[true]"), "malformed_json", "must be a number");
    assertCode(json("int64", "[1]", "[99999999999999999999]"), "malformed_json", "not valid JSON");
    assertCode(json("float32", "[2,2]", "[[1,2],[3,4],[5,6]]"), "bad_shape", "needs 4 values but data has more");
    assertCode(json("float32", "[3,1]", "[[1,2],[3]]"), "bad_shape", "dimension 1 of data has 2 items");
    assertCode(json("float32", "[4]", "[[1,2],[3,4]]"), "bad_shape", "nested deeper");
    assertCode(json("float32", "[-1,2]", "[1,2]"), "malformed_json", "non-negative");
    assertCode(json("float32", "[1]", "{}"), "malformed_json", "array of numbers");
    assertCode("{\"inputs\":{\"x\":{\"dtype\":\"float32\",\"shape\":[1]}}}", "malformed_json", "needs dtype, shape and data");
    assertCode("{\"inputs\":{\"x\":{\"dtype\":\"float32\",\"shape\":[1],\"data\":[1],\"scale\":2}}}", "malformed_json",
        "unknown field 'scale'");
  }

  static String json(String dtype, String shape, String data) {
    return "{\"inputs\":{\"x\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data\":" + data + "}}}";
  }

  static void assertCode(String body, String code, String inMessage) {
    assertThatThrownBy(() -> TensorJson.readInputs(body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
          assertThat(e.status()).isEqualTo(400);
        }).hasMessageContaining(inMessage);
  }
}
