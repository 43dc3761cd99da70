package org.edgefleet.packager.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.OrtTensors;
import org.edgefleet.packager.model.LoadedModel;
import org.edgefleet.protocol.bundle.Manifest.Quantization;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * An ONNX model opened in a real ONNX Runtime session. Inputs and outputs are what the runtime
 * reports, not what a user claims; opset, quantization and feature names come from the model
 * file itself. Close it to free the native session.
 */
public final class OnnxModel implements LoadedModel {

  /** Model metadata key holding comma-separated names of the input's columns. */
  public static final String FEATURE_NAMES_KEY = "edgefleet.feature_names";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;
  private final OptionalInt opset;
  private final Quantization quantization;
  private final List<String> featureNames;

  private OnnxModel(OrtEnvironment env, OrtSession session, ModelProto proto) throws ModelException, OrtException {
    this.env = env;
    this.session = session;
    Map<String, List<String>> dimNames = dimNames(proto.getGraph());
    this.inputs = specs("input", session.getInputInfo(), dimNames);
    this.outputs = specs("output", session.getOutputInfo(), dimNames);
    this.opset = proto.getOpsetImportList().stream()
        .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
        .mapToInt(o -> (int) o.getVersion())
        .findFirst();
    this.quantization = QuantizationDetector.detect(proto.getGraph());
    String names = session.getMetadata().getCustomMetadataValue(FEATURE_NAMES_KEY).orElse("");
    this.featureNames = names.isBlank() ? List.of() : List.of(names.split(",", -1));
  }

  /** Loads and checks the model; single-threaded so that reference outputs do not depend on the machine's cores. */
  public static OnnxModel open(Path file) throws ModelException, IOException {
    byte[] bytes = Files.readAllBytes(file);
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new ModelException(file + " is not an ONNX model (it does not parse as an ONNX protobuf)", e);
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session = null;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      session = env.createSession(bytes, options);
      return new OnnxModel(env, session, proto);
    } catch (OrtException e) {
      closeQuietly(session, e);
      throw new ModelException("ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
    } catch (ModelException e) {
      closeQuietly(session, e);
      throw new ModelException(file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.ONNX;
  }

  @Override
  public Map<String, String> tensorNotes() {
    return Map.of();
  }

  @Override
  public List<TensorSpec> inputs() {
    return inputs;
  }

  public List<TensorSpec> outputs() {
    return outputs;
  }

  /** The default-domain opset the model imports, if it names one. */
  public OptionalInt opset() {
    return opset;
  }

  public Quantization quantization() {
    return quantization;
  }

  /** Names of the input's columns from the model's metadata; empty when it has none. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Runs the model once; the result holds every output, in the model's output order. */
  public Map<String, Tensor> run(Map<String, Tensor> feeds) throws ModelException {
    Map<String, OnnxTensor> onnxFeeds = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> feed : feeds.entrySet()) {
        onnxFeeds.put(feed.getKey(), OrtTensors.toOrt(env, feed.getValue()));
      }
      try (OrtSession.Result result = session.run(onnxFeeds)) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> entry : result) {
          if (!(entry.getValue() instanceof OnnxTensor tensor)) {
            throw new ModelException("output '" + entry.getKey() + "' is a " + entry.getValue().getType()
                + ", not a tensor; bundles carry tensor outputs only");
          }
          out.put(entry.getKey(), OrtTensors.fromOrt(entry.getKey(), tensor));
        }
        return out;
      }
    } catch (OrtException | InferenceException | ArithmeticException e) {
      throw new ModelException("ONNX Runtime failed to run the model: " + e.getMessage(), e);
    } finally {
      onnxFeeds.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() throws ModelException {
    try {
      session.close();
    } catch (OrtException e) {
      throw new ModelException("could not release the ONNX Runtime session: " + e.getMessage(), e);
    }
  }

  /**
   * The graph's symbolic dimension names ({@code dim_param}) of every input and output, null for
   * a dimension given as a number or not at all: ONNX Runtime reports all of them as -1.
   */
  private static Map<String, List<String>> dimNames(GraphProto graph) {
    Map<String, List<String>> names = new HashMap<>();
    for (List<ValueInfoProto> values : List.of(graph.getInputList(), graph.getOutputList())) {
      for (ValueInfoProto value : values) {
        if (!value.getType().hasTensorType() || !value.getType().getTensorType().hasShape()) {
          continue;
        }
        List<String> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : value.getType().getTensorType().getShape().getDimList()) {
          dims.add(d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : null);
        }
        names.put(value.getName(), dims);
      }
    }
    return names;
  }

  private static List<TensorSpec> specs(String kind, Map<String, NodeInfo> infos, Map<String, List<String>> dimNames)
      throws ModelException {
    List<TensorSpec> specs = new ArrayList<>();
    for (NodeInfo node : infos.values()) {
      if (!(node.getInfo() instanceof TensorInfo info)) {
        throw new ModelException(kind + " '" + node.getName() + "' is a " + node.getInfo()
            + ", not a tensor; bundles describe tensor inputs and outputs only");
      }
      DType dtype = OrtTensors.dtypeOf(info.type);
      if (dtype == null) {
        throw new ModelException(kind + " '" + node.getName() + "' has element type " + info.onnxType
            + "; bundles support float32, float16, int64, int32, int8, uint8 and bool");
      }
      try {
        List<Long> shape = Arrays.stream(info.getShape()).boxed().toList();
        List<String> names = new ArrayList<>(dimNames.getOrDefault(node.getName(), List.of()));
        if (names.size() != shape.size()) {
          names = null;
        } else {
          for (int d = 0; d < shape.size(); d++) {
            if (shape.get(d) != -1) {
              names.set(d, null);
            }
          }
        }
        specs.add(new TensorSpec(node.getName(), dtype, shape, null, null, names));
      } catch (IllegalArgumentException e) {
        throw new ModelException(kind + " cannot go into a manifest: " + e.getMessage(), e);
      }
    }
    return List.copyOf(specs);
  }

  private static void closeQuietly(OrtSession session, Exception failure) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        failure.addSuppressed(e);
      }
    }
  }
}
