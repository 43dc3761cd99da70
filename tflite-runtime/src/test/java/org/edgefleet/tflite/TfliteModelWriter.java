package org.edgefleet.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.SignatureDefT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorMapT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

/**
 * Writes small .tflite models in Java (TFLite's flatbuffer schema), for what the published models
 * lack: integer-quantized inputs and outputs, every element type, a signature whose names differ
 * from the tensors'. Each model comes with a plain-Java reference of what it computes.
 */
public final class TfliteModelWriter {

  /** The int8 model's quantization: input, per-channel weights, output. */
  public static final float IN_SCALE = 0.05f;
  public static final int IN_ZERO_POINT = -3;
  public static final float[] WEIGHT_SCALES = {0.01f, 0.02f, 0.015f};
  public static final float OUT_SCALE = 0.04f;
  public static final int OUT_ZERO_POINT = 5;
  /** int8 weights [3 outputs][4 inputs] and int32 bias (scale IN_SCALE * WEIGHT_SCALES[o]). */
  public static final byte[][] WEIGHTS = {{20, -35, 50, 7}, {-12, 40, 3, -25}, {33, 9, -60, 18}};
  public static final int[] BIAS = {100, -250, 40};

  /** The uint8 model's quantization. */
  public static final float U8_SCALE = 0.1f;
  public static final int U8_ZERO_POINT = 128;

  private final List<TensorT> tensors = new ArrayList<>();
  private final List<BufferT> buffers = new ArrayList<>(List.of(new BufferT()));
  private final List<OperatorT> operators = new ArrayList<>();
  private final Map<Integer, Integer> opcodeIndex = new LinkedHashMap<>();
  private final List<OperatorCodeT> opcodes = new ArrayList<>();

  private TfliteModelWriter() {}

  /**
   * int8 fully connected, no signature: {@code q_in} int8 [-1, 4] (IN_SCALE, IN_ZERO_POINT) to
   * {@code q_out} int8 [-1, 3] (OUT_SCALE, OUT_ZERO_POINT), weights quantized per output channel.
   */
  public static byte[] int8FullyConnected() {
    TfliteModelWriter w = new TfliteModelWriter();
    int in = w.tensor("q_in", TensorType.INT8, new int[] {1, 4}, new int[] {-1, 4}, quant(new float[] {IN_SCALE}, IN_ZERO_POINT, 0), null);
    byte[] weights = new byte[12];
    for (int o = 0; o < 3; o++) {
      System.arraycopy(WEIGHTS[o], 0, weights, o * 4, 4);
    }
    int wt = w.tensor("weights", TensorType.INT8, new int[] {3, 4}, null, quant(WEIGHT_SCALES, 0, 0), weights);
    float[] biasScales = new float[3];
    byte[] bias = new byte[12];
    for (int o = 0; o < 3; o++) {
      biasScales[o] = IN_SCALE * WEIGHT_SCALES[o];
      for (int b = 0; b < 4; b++) {
        bias[o * 4 + b] = (byte) (BIAS[o] >> (8 * b));
      }
    }
    int bt = w.tensor("bias", TensorType.INT32, new int[] {3}, null, quant(biasScales, 0, 0), bias);
    int out = w.tensor("q_out", TensorType.INT8, new int[] {1, 3}, new int[] {-1, 3}, quant(new float[] {OUT_SCALE}, OUT_ZERO_POINT, 0), null);
    FullyConnectedOptionsT options = new FullyConnectedOptionsT();
    w.op(BuiltinOperator.FULLY_CONNECTED, 5, new int[] {in, wt, bt}, new int[] {out}, BuiltinOptions.FullyConnectedOptions, options);
    return w.finish(new int[] {in}, new int[] {out}, null);
  }

  /** What {@link #int8FullyConnected} computes for one row, in real arithmetic, requantized. */
  public static long[] int8Reference(long[] qRow) {
    long[] out = new long[3];
    for (int o = 0; o < 3; o++) {
      double acc = BIAS[o] * (double) IN_SCALE * WEIGHT_SCALES[o];
      for (int i = 0; i < 4; i++) {
        acc += IN_SCALE * (qRow[i] - IN_ZERO_POINT) * (double) WEIGHT_SCALES[o] * WEIGHTS[o][i];
      }
      out[o] = Math.max(-128, Math.min(127, Math.round(acc / OUT_SCALE) + OUT_ZERO_POINT));
    }
    return out;
  }

  /**
   * uint8 both ways: {@code q} uint8 [-1, 4] dequantized to {@code real} float32, and {@code x}
   * float32 [-1, 4] quantized to {@code q_x} uint8, both with U8_SCALE and U8_ZERO_POINT.
   */
  public static byte[] uint8RoundTrip() {
    TfliteModelWriter w = new TfliteModelWriter();
    QuantizationParametersT u8 = quant(new float[] {U8_SCALE}, U8_ZERO_POINT, 0);
    int q = w.tensor("q", TensorType.UINT8, new int[] {1, 4}, new int[] {-1, 4}, u8, null);
    int real = w.tensor("real", TensorType.FLOAT32, new int[] {1, 4}, new int[] {-1, 4}, null, null);
    int x = w.tensor("x", TensorType.FLOAT32, new int[] {1, 4}, new int[] {-1, 4}, null, null);
    int qx = w.tensor("q_x", TensorType.UINT8, new int[] {1, 4}, new int[] {-1, 4}, quant(new float[] {U8_SCALE}, U8_ZERO_POINT, 0), null);
    w.op(BuiltinOperator.DEQUANTIZE, 1, new int[] {q}, new int[] {real}, BuiltinOptions.NONE, null);
    w.op(BuiltinOperator.QUANTIZE, 1, new int[] {x}, new int[] {qx}, BuiltinOptions.NONE, null);
    return w.finish(new int[] {q, x}, new int[] {real, qx}, null);
  }

  /**
   * Every other element type, behind a signature ("serving_default") whose names differ from the
   * tensors': a, b int32 [-1]; h float16 [-1]; flag bool [-1]. Outputs: sum = a + b (int32),
   * wide = sum as int64, less = a < b (bool), h32 = h as float32, not = !flag (bool).
   */
  public static byte[] allTypes() {
    TfliteModelWriter w = new TfliteModelWriter();
    int[] one = {1};
    int[] dyn = {-1};
    int a = w.tensor("serving_default_a:0", TensorType.INT32, one, dyn, null, null);
    int b = w.tensor("serving_default_b:0", TensorType.INT32, one, dyn, null, null);
    int h = w.tensor("serving_default_h:0", TensorType.FLOAT16, one, dyn, null, null);
    int flag = w.tensor("serving_default_flag:0", TensorType.BOOL, one, dyn, null, null);
    int sum = w.tensor("Identity:0", TensorType.INT32, one, dyn, null, null);
    int wide = w.tensor("Identity_1:0", TensorType.INT64, one, dyn, null, null);
    int less = w.tensor("Identity_2:0", TensorType.BOOL, one, dyn, null, null);
    int h32 = w.tensor("Identity_3:0", TensorType.FLOAT32, one, dyn, null, null);
    int not = w.tensor("Identity_4:0", TensorType.BOOL, one, dyn, null, null);
    w.op(BuiltinOperator.ADD, 1, new int[] {a, b}, new int[] {sum}, BuiltinOptions.AddOptions, new AddOptionsT());
    w.op(BuiltinOperator.CAST, 1, new int[] {sum}, new int[] {wide}, BuiltinOptions.NONE, null);
    w.op(BuiltinOperator.LESS, 1, new int[] {a, b}, new int[] {less}, BuiltinOptions.NONE, null);
    w.op(BuiltinOperator.DEQUANTIZE, 3, new int[] {h}, new int[] {h32}, BuiltinOptions.NONE, null);
    w.op(BuiltinOperator.LOGICAL_NOT, 1, new int[] {flag}, new int[] {not}, BuiltinOptions.NONE, null);
    SignatureDefT sig = new SignatureDefT();
    sig.setSignatureKey(TfliteInterpreter.DEFAULT_SIGNATURE);
    sig.setInputs(new TensorMapT[] {map("a", a), map("b", b), map("h", h), map("flag", flag)});
    sig.setOutputs(new TensorMapT[] {map("sum", sum), map("wide", wide), map("less", less), map("h32", h32), map("not", not)});
    return w.finish(new int[] {a, b, h, flag}, new int[] {sum, wide, less, h32, not}, sig);
  }

  /** An int16 input, which bundles cannot describe: {@code pcm} int16 [1, 4] cast to {@code wide} int32. */
  public static byte[] int16Input() {
    TfliteModelWriter w = new TfliteModelWriter();
    int pcm = w.tensor("pcm", TensorType.INT16, new int[] {1, 4}, null, null, null);
    int wide = w.tensor("wide", TensorType.INT32, new int[] {1, 4}, null, null, null);
    w.op(BuiltinOperator.CAST, 1, new int[] {pcm}, new int[] {wide}, BuiltinOptions.NONE, null);
    return w.finish(new int[] {pcm}, new int[] {wide}, null);
  }

  private int tensor(String name, byte type, int[] shape, int[] signature, QuantizationParametersT q, byte[] data) {
    TensorT t = new TensorT();
    t.setName(name);
    t.setType(type);
    t.setShape(shape);
    if (signature != null) {
      t.setShapeSignature(signature);
    }
    if (q != null) {
      t.setQuantization(q);
    }
    if (data != null) {
      BufferT buffer = new BufferT();
      int[] bytes = new int[data.length];
      for (int i = 0; i < data.length; i++) {
        bytes[i] = data[i] & 0xff;
      }
      buffer.setData(bytes);
      buffers.add(buffer);
      t.setBuffer(buffers.size() - 1);
    }
    tensors.add(t);
    return tensors.size() - 1;
  }

  private void op(int builtin, int version, int[] inputs, int[] outputs, byte optionsType, Object options) {
    Integer index = opcodeIndex.get(builtin);
    if (index == null) {
      OperatorCodeT code = new OperatorCodeT();
      code.setBuiltinCode(builtin);
      code.setDeprecatedBuiltinCode((byte) Math.min(builtin, 127));
      code.setVersion(version);
      opcodes.add(code);
      index = opcodes.size() - 1;
      opcodeIndex.put(builtin, index);
    }
    OperatorT op = new OperatorT();
    op.setOpcodeIndex(index);
    op.setInputs(inputs);
    op.setOutputs(outputs);
    if (options != null) {
      BuiltinOptionsUnion union = new BuiltinOptionsUnion();
      union.setType(optionsType);
      union.setValue(options);
      op.setBuiltinOptions(union);
    }
    operators.add(op);
  }

  private byte[] finish(int[] inputs, int[] outputs, SignatureDefT signature) {
    SubGraphT graph = new SubGraphT();
    graph.setTensors(tensors.toArray(TensorT[]::new));
    graph.setInputs(inputs);
    graph.setOutputs(outputs);
    graph.setOperators(operators.toArray(OperatorT[]::new));
    graph.setName("main");
    ModelT model = new ModelT();
    model.setVersion(3);
    model.setDescription("written by TfliteModelWriter");
    model.setOperatorCodes(opcodes.toArray(OperatorCodeT[]::new));
    model.setSubgraphs(new SubGraphT[] {graph});
    model.setBuffers(buffers.toArray(BufferT[]::new));
    if (signature != null) {
      model.setSignatureDefs(new SignatureDefT[] {signature});
    }
    FlatBufferBuilder builder = new FlatBufferBuilder(1024);
    Model.finishModelBuffer(builder, Model.pack(builder, model));
    return builder.sizedByteArray();
  }

  private static QuantizationParametersT quant(float[] scales, long zeroPoint, int axis) {
    QuantizationParametersT q = new QuantizationParametersT();
    q.setScale(scales.clone());
    long[] zp = new long[scales.length];
    java.util.Arrays.fill(zp, zeroPoint);
    q.setZeroPoint(zp);
    q.setQuantizedDimension(axis);
    return q;
  }

  private static TensorMapT map(String name, int tensor) {
    TensorMapT m = new TensorMapT();
    m.setName(name);
    m.setTensorIndex(tensor);
    return m;
  }
}
