package org.edgefleet.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.TestModels;

/**
 * Audio for Silero VAD the way its npm package feeds it: 16 kHz in frames (v4: 1536 samples; v5:
 * 512 samples with the last 64 of the previous frame in front), the sample rate as an int64 scalar,
 * a state of zeros at the start and each call's state outputs handed back as the next call's state
 * inputs. The audio is silence, then a vowel-like voiced sound (a 120 Hz pitch whose harmonics two
 * formants shape, in 4 Hz syllables), then silence again.
 */
final class SileroStream {

  static final int SAMPLE_RATE = 16_000;
  /** Frames of silence before the sound and after it, and of sound. */
  static final int SILENT = 2;
  static final int VOICED = 4;
  static final int FRAMES = SILENT + VOICED + SILENT;
  /** The npm package's thresholds: a frame is speech from 0.3, silence below 0.25. */
  static final double SPEECH = 0.3;
  static final double SILENCE = 0.25;

  /** v4: LSTM state {@code h}, {@code c} [2, 1, 64], returned as {@code hn}, {@code cn}. */
  static final SileroStream V4 = new SileroStream(TestModels.SILERO_VAD_V4, 1536, 0, new long[] {2, 1, 64},
      orderedMap("hn", "h", "cn", "c"), List.of());
  /**
   * v5: one state tensor {@code state} [2, 1, 128], returned as {@code stateN}. Its batch axis has
   * no symbolic name in the model (v4's is {@code batch}, shared with the audio), so the packager
   * is told its size.
   */
  static final SileroStream V5 = new SileroStream(TestModels.SILERO_VAD_V5, 512, 64, new long[] {2, 1, 128},
      orderedMap("stateN", "state"), List.of("--dim", "state:1=1"));

  final String model;
  final int frame;
  final int context;
  final long[] stateShape;
  /** Which output feeds which input of the next call. */
  final Map<String, String> state;
  /** What else the packager needs to hear about the model. */
  final List<String> packagerArguments;

  private SileroStream(String model, int frame, int context, long[] stateShape, Map<String, String> state,
      List<String> packagerArguments) {
    this.model = model;
    this.frame = frame;
    this.context = context;
    this.stateShape = stateShape;
    this.state = state;
    this.packagerArguments = packagerArguments;
  }

  static boolean voiced(int index) {
    return index >= SILENT && index < SILENT + VOICED;
  }

  /** The samples of frame {@code index} as the model takes them: [1, context + frame]. */
  Tensor window(int index) {
    float[] x = new float[context + frame];
    for (int i = 0; i < x.length; i++) {
      x[i] = sample((long) index * frame - context + i);
    }
    return Tensor.ofFloats(new long[] {1, x.length}, x);
  }

  private float sample(long n) {
    long voicedFrom = (long) SILENT * frame;
    if (n < voicedFrom || n >= voicedFrom + (long) VOICED * frame) {
      return 0;
    }
    double t = (double) (n - voicedFrom) / SAMPLE_RATE;
    double envelope = Math.sin(Math.PI * ((t * 4) % 1));
    double v = 0;
    for (int k = 1; k < 30; k++) {
      double f = 120.0 * k;
      double gain = Math.exp(-Math.pow((f - 700) / 150, 2)) + 0.6 * Math.exp(-Math.pow((f - 1200) / 200, 2)) + 0.05;
      v += gain * Math.sin(2 * Math.PI * f * t);
    }
    return (float) (0.3 * envelope * v);
  }

  static Tensor sampleRate() {
    return Tensor.ofLongs(DType.INT64, new long[0], new long[] {SAMPLE_RATE});
  }

  Map<String, Tensor> zeroState() {
    Map<String, Tensor> zeros = new LinkedHashMap<>();
    for (String input : state.values()) {
      zeros.put(input, Tensor.ofFloats(stateShape, new float[Math.toIntExact(Tensor.elementCount(stateShape))]));
    }
    return zeros;
  }

  /** The inputs of frame {@code index}, given the state inputs (from the previous call, or zeros). */
  Map<String, Tensor> inputs(int index, Map<String, Tensor> stateInputs) {
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("input", window(index));
    in.put("sr", sampleRate());
    in.putAll(stateInputs);
    return in;
  }

  /** The whole stream through a caller that carries the state: each call's outputs, in order. */
  List<Map<String, Tensor>> run(Model m) throws Exception {
    List<Map<String, Tensor>> outputs = new ArrayList<>();
    Map<String, Tensor> carried = zeroState();
    for (int i = 0; i < FRAMES; i++) {
      Map<String, Tensor> out = m.run(inputs(i, carried));
      outputs.add(out);
      carried = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : state.entrySet()) {
        carried.put(e.getValue(), out.get(e.getKey()));
      }
    }
    return outputs;
  }

  /** The outputs compared: the probability and every state output. */
  List<String> outputs() {
    List<String> names = new ArrayList<>(List.of("output"));
    names.addAll(state.keySet());
    return names;
  }

  private static Map<String, String> orderedMap(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  /** Whatever answers one call: the raw runtime or an agent. */
  interface Model {
    Map<String, Tensor> run(Map<String, Tensor> inputs) throws Exception;
  }
}
