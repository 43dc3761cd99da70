package org.edgefleet.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Which input source a profile's devices feed their model from: the motor data generator (for the
 * sample model), the active bundle's test vectors (any model), or a directory of tensor files.
 */
public sealed interface Inputs {

  /** The sample model's motor sensor rows; the default. */
  record Motor() implements Inputs {}

  /** The active model's test vector inputs, cycled. */
  record TestVectors() implements Inputs {}

  /** Calls read from {@code *.json} tensor files in a directory (read once, when made), cycled. */
  record TensorFiles(Path dir, List<Map<String, Tensor>> calls) implements Inputs {
    public TensorFiles {
      calls = List.copyOf(calls);
    }

    @Override
    public String toString() {
      return "files:" + dir + " (" + calls.size() + " calls)";
    }
  }

  static Inputs motor() {
    return new Motor();
  }

  static Inputs testVectors() {
    return new TestVectors();
  }

  /** Reads the directory now; fails naming the file at fault. */
  static Inputs tensorFiles(Path dir) {
    return new TensorFiles(dir, TensorFileInputs.load(dir));
  }

  /** {@code motor}, {@code test-vectors} or {@code files:DIR}, as the simulator's command line takes it. */
  static Inputs parse(String text) {
    if ("motor".equals(text)) {
      return motor();
    }
    if ("test-vectors".equals(text)) {
      return testVectors();
    }
    if (text != null && text.startsWith("files:") && text.length() > "files:".length()) {
      return tensorFiles(Path.of(text.substring("files:".length())));
    }
    throw new IllegalArgumentException("inputs '" + text + "' is not one of: motor, test-vectors, files:DIR");
  }

  /** A source for one device. */
  default InputSource open(DeviceProfile profile, long seed, String motorInput) {
    if (this instanceof TensorFiles f) {
      return new TensorFileInputs(f.calls());
    }
    if (this instanceof TestVectors) {
      return new TestVectorInputs();
    }
    return new MotorInputs(profile.drift(), seed, motorInput);
  }
}
