package org.edgefleet.agent.tflite;

import java.util.HashMap;
import java.util.Map;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.ModelSession;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.tflite.TfliteException;
import org.edgefleet.tflite.TfliteInterpreter;

/** A TFLite model serving concurrent callers from its {@link InterpreterPool}. */
final class TfliteSession implements ModelSession {

  private final InterpreterPool pool;
  private final String[] outputNames;

  TfliteSession(InterpreterPool pool, String[] outputNames) {
    this.pool = pool;
    this.outputNames = outputNames;
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException {
    TfliteInterpreter it;
    try {
      it = pool.take();
    } catch (TfliteException e) {
      throw new InferenceException(e.getMessage(), e.isUnsupported(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InferenceException("interrupted while waiting for a TFLite interpreter", false, e);
    }
    try {
      Map<String, Tensor> all = it.run(inputs);
      Map<String, Tensor> out = new HashMap<>(outputNames.length * 2);
      for (String name : outputNames) {
        out.put(name, all.get(name));
      }
      return out;
    } catch (TfliteException e) {
      throw new InferenceException(e.getMessage(), e.isUnsupported(), e);
    } finally {
      pool.give(it);
    }
  }

  /** Interpreters made so far (for tests and measurements). */
  int interpreters() {
    return pool.size();
  }

  @Override
  public void close() {
    pool.close();
  }
}
