package org.edgefleet.packager.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.model.LoadedModel;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;

/** What a bare model file is, as a few readable lines: what a user checks before packaging it. */
final class ModelSummary {

  private ModelSummary() {}

  static void print(Path file, LoadedModel model, PrintWriter out) {
    out.println(file + ": " + model.format().wireName() + " model"
        + (model.opset().isPresent() ? ", opset " + model.opset().getAsInt() : ""));
    Map<String, String> notes = model.tensorNotes();
    model.inputs().forEach(t -> out.println("  input:        " + tensor(t) + note(notes, t)));
    model.outputs().forEach(t -> out.println("  output:       " + tensor(t) + note(notes, t)));
    Map<String, List<String>> shared = sharedDims(model);
    shared.forEach((dim, users) -> out.println("  dimension:    " + dim + " shared by " + users));
    Manifest.Quantization q = model.quantization();
    out.println("  quantization: " + q.scheme() + (q.granularity() != null ? ", " + q.granularity() : "")
        + (q.quantized().isEmpty() ? "" : " " + q.quantized()));
    if (!model.featureNames().isEmpty()) {
      out.println("  features:     " + model.featureNames());
    }
  }

  /** {@code name dtype [batch, 76, 32, 1]}: symbolic names where the model has them, ? for other dynamic ones. */
  static String tensor(TensorSpec t) {
    StringBuilder b = new StringBuilder(t.name()).append(' ').append(t.dtype().wireName()).append(" [");
    for (int d = 0; d < t.shape().size(); d++) {
      long size = t.shape().get(d);
      b.append(d == 0 ? "" : ", ").append(size >= 0 ? String.valueOf(size) : t.dimName(d) != null ? t.dimName(d) : "?");
    }
    b.append(']');
    if (t.isScalar()) {
      b.append(" (scalar)");
    }
    return b.toString();
  }

  private static String note(Map<String, String> notes, TensorSpec t) {
    String n = notes.get(t.name());
    return n == null ? "" : ", " + n;
  }

  private static Map<String, List<String>> sharedDims(LoadedModel model) {
    Map<String, List<String>> users = new LinkedHashMap<>();
    for (List<TensorSpec> specs : List.of(model.inputs(), model.outputs())) {
      for (TensorSpec t : specs) {
        for (int d = 0; d < t.shape().size(); d++) {
          if (t.dimName(d) != null) {
            List<String> list = users.computeIfAbsent(t.dimName(d), k -> new ArrayList<>());
            if (!list.contains(t.name())) {
              list.add(t.name());
            }
          }
        }
      }
    }
    users.values().removeIf(l -> l.size() < 2);
    return users;
  }
}
