package org.edgefleet.agent.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;

/**
 * ONNX Runtime on the process-wide {@link OrtEnvironment}. Sessions run on the caller's thread
 * with {@code intraOpThreads} (default 1): edge models are small, and a per-session thread pool
 * would multiply threads by the number of agents and models in a JVM.
 */
public final class OnnxEngine implements InferenceEngine {

  private final Path nativeDir;
  private final int intraOpThreads;

  /**
   * @param nativeDir where ORT's native libraries are unpacked (unless {@code onnxruntime.native.path} is set)
   */
  public OnnxEngine(Path nativeDir, int intraOpThreads) {
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("inference threads must be at least 1, was " + intraOpThreads);
    }
    this.nativeDir = nativeDir;
    this.intraOpThreads = intraOpThreads;
  }

  @Override
  public ModelFormat format() {
    return ModelFormat.ONNX;
  }

  @Override
  public ModelSession open(Path modelFile, Manifest manifest) throws InferenceException {
    OrtEnvironment env;
    try {
      OrtNatives.prepare(nativeDir);
      env = OrtEnvironment.getEnvironment();
    } catch (IOException | RuntimeException | LinkageError e) {
      throw new InferenceException("ONNX Runtime is not available on this device: " + e.getMessage(), true, e);
    }
    OrtSession session;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      session = env.createSession(modelFile.toString(), options);
    } catch (OrtException e) {
      throw new InferenceException("ONNX Runtime cannot load " + modelFile.getFileName() + ": " + e.getMessage(), false, e);
    }
    OnnxSession opened = new OnnxSession(env, session, manifest);
    try {
      check("input", manifest.inputs(), session.getInputInfo());
      check("output", manifest.outputs(), session.getOutputInfo());
    } catch (OrtException e) {
      opened.close();
      throw new InferenceException("cannot read the model's signature: " + e.getMessage(), false, e);
    } catch (InferenceException e) {
      opened.close();
      throw e;
    }
    return opened;
  }

  private static void check(String kind, List<TensorSpec> specs, Map<String, NodeInfo> actual) throws InferenceException {
    if (kind.equals("input") && specs.size() != actual.size()) {
      throw new InferenceException("model has inputs " + actual.keySet() + " but the manifest declares "
          + specs.stream().map(TensorSpec::name).collect(Collectors.toList()), false);
    }
    for (TensorSpec spec : specs) {
      NodeInfo node = actual.get(spec.name());
      if (node == null) {
        throw new InferenceException("model has no " + kind + " '" + spec.name() + "' (it has " + actual.keySet() + ")", false);
      }
      if (!(node.getInfo() instanceof TensorInfo info)) {
        throw new InferenceException(kind + " '" + spec.name() + "' is not a tensor (" + node.getInfo() + ")", true);
      }
      DType dtype = OrtTensors.dtypeOf(info.type);
      if (dtype != spec.dtype()) {
        throw new InferenceException(kind + " '" + spec.name() + "' is " + info.type + " in the model but "
            + spec.dtype().wireName() + " in the manifest", dtype == null);
      }
    }
  }
}
