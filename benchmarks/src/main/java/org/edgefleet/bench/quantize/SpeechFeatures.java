package org.edgefleet.bench.quantize;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.edgefleet.packager.onnx.OnnxModel;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Inputs for openWakeWord's speech embedding CNN made the way openWakeWord makes them: 16 kHz audio
 * through its published mel spectrogram model, scaled {@code x / 10 + 2}, in windows of 76 frames
 * of 32 bands. The audio is generated: voiced sounds of varying pitch and formants in noise of
 * varying level, so the windows spread over the range real speech gives.
 */
final class SpeechFeatures {

  static final int FRAMES = 76;
  static final int BANDS = 32;
  private static final int SAMPLE_RATE = 16_000;
  // The mel model returns samples / 160 - 3 frames.
  private static final int SAMPLES = (FRAMES + 3) * 160;

  private SpeechFeatures() {}

  /** {@code count} windows, each FRAMES x BANDS values (row-major, as the CNN's [1, 76, 32, 1] input). */
  static float[][] windows(Path melModel, int count, long seed) throws Exception {
    Random random = new Random(seed);
    float[][] rows = new float[count][];
    try (OnnxModel mel = OnnxModel.open(melModel)) {
      String input = mel.inputs().get(0).name();
      for (int r = 0; r < count; r++) {
        Tensor out = mel.run(Map.of(input, Tensor.ofFloats(new long[] {1, SAMPLES}, audio(random)))).values().iterator().next();
        float[] v = out.floats();
        float[] row = new float[FRAMES * BANDS];
        for (int i = 0; i < row.length; i++) {
          row[i] = v[i] / 10 + 2;
        }
        rows[r] = row;
      }
    }
    return rows;
  }

  // int16-scaled samples, as openWakeWord feeds its mel model.
  private static float[] audio(Random random) {
    double pitch = 90 + 160 * random.nextDouble();
    double f1 = 300 + 600 * random.nextDouble();
    double f2 = 900 + 1500 * random.nextDouble();
    double noise = 30 + 1500 * random.nextDouble();
    double loudness = 2000 + 8000 * random.nextDouble();
    float[] x = new float[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
      double t = (double) i / SAMPLE_RATE;
      double v = 0;
      for (int k = 1; k * pitch < 4000; k++) {
        double f = k * pitch;
        v += (Math.exp(-Math.pow((f - f1) / 150, 2)) + 0.6 * Math.exp(-Math.pow((f - f2) / 200, 2)) + 0.03)
            * Math.sin(2 * Math.PI * f * t);
      }
      double envelope = Math.max(0, Math.sin(Math.PI * t * 3));
      x[i] = (float) (loudness * envelope * v / 3 + noise * random.nextGaussian());
    }
    return x;
  }
}
