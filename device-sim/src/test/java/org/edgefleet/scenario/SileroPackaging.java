package org.edgefleet.scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.tensor.numpy.Npz;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.TestModels;

/**
 * The packager arguments a user gives for Silero VAD: the stream's audio in an {@code .npz} (an
 * {@code input} array with one frame per call on its leading axis; no state, which starts at
 * zeros), the sample rate as a constant of every call ({@code --constant sr=16000}), and which
 * outputs carry the state into the next call ({@code --state OUTPUT=INPUT}), so the test vectors
 * are one sequence over the stream.
 */
final class SileroPackaging {

  private SileroPackaging() {}

  static List<String> arguments(Path dir, SileroStream stream, String name, int version) throws Exception {
    int width = stream.context + stream.frame;
    float[] frames = new float[SileroStream.FRAMES * width];
    for (int i = 0; i < SileroStream.FRAMES; i++) {
      System.arraycopy(stream.window(i).floats(), 0, frames, i * width, width);
    }
    Path data = Files.createDirectories(dir).resolve(name + "-stream.npz");
    Npz.write(data, Map.of("input", Tensor.ofFloats(new long[] {SileroStream.FRAMES, 1, width}, frames)));
    List<String> args = new ArrayList<>(List.of("--model", TestModels.onnx(stream.model).toString(), "--name", name,
        "--version", Integer.toString(version), "--test-inputs", data.toString(),
        "--constant", "sr=" + SileroStream.SAMPLE_RATE,
        "--sequence-length", Integer.toString(SileroStream.FRAMES), "--tolerance", "1e-4"));
    stream.state.forEach((output, input) -> args.addAll(List.of("--state", output + "=" + input)));
    args.addAll(stream.packagerArguments);
    return args;
  }
}
