package org.edgefleet.packager;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgefleet.packager.model.LoadedModel;
import org.edgefleet.protocol.bundle.TensorSpec;

/** Checks {@code --state OUTPUT=INPUT} pairs against the model: a real output feeding a real input of its kind. */
final class StatePairs {

  private StatePairs() {}

  /** The pairs as the manifest's {@code stateFrom}: input -> output. */
  static Map<String, String> check(Map<String, String> outputToInput, LoadedModel model) throws PackagingException {
    Map<String, String> stateFrom = new LinkedHashMap<>();
    for (Map.Entry<String, String> pair : outputToInput.entrySet()) {
      String option = "--state " + pair.getKey() + "=" + pair.getValue();
      TensorSpec out = find(model.outputs(), pair.getKey()).orElseThrow(() -> new PackagingException(option
          + ": the model has no output '" + pair.getKey() + "'; its outputs are " + names(model.outputs())));
      TensorSpec in = find(model.inputs(), pair.getValue()).orElseThrow(() -> new PackagingException(option
          + ": the model has no input '" + pair.getValue() + "'; its inputs are " + names(model.inputs())));
      if (out.dtype() != in.dtype() || out.shape().size() != in.shape().size()) {
        throw new PackagingException(option + ": output '" + out.name() + "' is " + out.dtype().wireName() + " "
            + out.shape() + " but input '" + in.name() + "' takes " + in.dtype().wireName() + " " + in.shape()
            + ": a state output must have the dtype and rank of the input it feeds");
      }
      if (stateFrom.put(in.name(), out.name()) != null) {
        throw new PackagingException(option + ": input '" + in.name() + "' is fed by two state outputs");
      }
    }
    return stateFrom;
  }

  private static Optional<TensorSpec> find(List<TensorSpec> specs, String name) {
    return specs.stream().filter(s -> s.name().equals(name)).findFirst();
  }

  private static List<String> names(List<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::name).toList();
  }
}
