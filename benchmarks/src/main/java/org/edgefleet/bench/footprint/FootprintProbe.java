package org.edgefleet.bench.footprint;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * The footprint benchmark's baselines, as processes of their own: {@code idle} is a JVM doing
 * nothing; {@code ort MODEL} is a JVM that has loaded ONNX Runtime and opened a session of the
 * model with the agent's session options, as the agent does at start. Both print {@code ready} and
 * wait to be stopped.
 *
 * <p>The benchmark copies this one class file out of its jar and starts it with only that (and,
 * for {@code ort}, ONNX Runtime's jar) on the class path, so it must not use any other class of
 * the project, nor nested or anonymous classes.
 */
public final class FootprintProbe {

  private FootprintProbe() {}

  public static void main(String[] args) throws Exception {
    Object keep = null;
    if (args.length == 2 && args[0].equals("ort")) {
      keep = openSession(args[1]);
    } else if (args.length != 1 || !args[0].equals("idle")) {
      System.err.println("usage: FootprintProbe idle | ort MODEL_FILE");
      System.exit(2);
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
    System.out.println(keep);
  }

  // Returns Object so that the idle probe's verifier never needs ONNX Runtime's classes.
  private static Object openSession(String modelFile) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      return env.createSession(modelFile, options);
    }
  }
}
