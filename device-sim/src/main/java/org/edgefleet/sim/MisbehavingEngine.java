package org.edgefleet.sim;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.edgefleet.agent.inference.InferenceEngine;
import org.edgefleet.agent.inference.InferenceException;
import org.edgefleet.agent.inference.ModelSession;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * A real engine whose sessions of the {@link BadModel}s' versions misbehave after their
 * self-test; every other session is the real engine's, untouched.
 */
final class MisbehavingEngine implements InferenceEngine {

  private final InferenceEngine real;
  private final List<BadModel> bad;

  MisbehavingEngine(InferenceEngine real, List<BadModel> bad) {
    this.real = real;
    this.bad = List.copyOf(bad);
  }

  @Override
  public ModelFormat format() {
    return real.format();
  }

  @Override
  public ModelSession open(Path modelFile, Manifest manifest) throws InferenceException {
    ModelSession session = real.open(modelFile, manifest);
    for (BadModel b : bad) {
      if (b.model().equals(manifest.name()) && b.version() == manifest.version()) {
        return new BadSession(session, b, manifest.testVectors().size());
      }
    }
    return session;
  }

  private static final class BadSession implements ModelSession {
    private final ModelSession real;
    private final BadModel bad;
    private final long soundRuns;
    private final AtomicLong runs = new AtomicLong();

    BadSession(ModelSession real, BadModel bad, long soundRuns) {
      this.real = real;
      this.bad = bad;
      this.soundRuns = soundRuns;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> inputs) throws InferenceException {
      long run = runs.incrementAndGet();
      if (run <= soundRuns || !bad.from().isOn()) {
        return real.run(inputs);
      }
      switch (bad.behaviour()) {
        case FAIL -> throw new InferenceException("simulated failure of " + bad.model() + " v" + bad.version(), false);
        case SLOW -> LockSupport.parkNanos(bad.slowBy().toNanos());
        case NAN -> {
          return nan(real.run(inputs));
        }
        case DISAGREE -> {
          LockSupport.parkNanos(bad.slowBy().toNanos());
          Map<String, Tensor> out = real.run(inputs);
          return (run - soundRuns) % bad.disagreeEvery() == 0 ? flipped(out) : out;
        }
      }
      return real.run(inputs);
    }

    private static Map<String, Tensor> nan(Map<String, Tensor> out) {
      Map<String, Tensor> bad = new HashMap<>();
      out.forEach((name, t) -> {
        if (t.dtype().isFloating()) {
          float[] values = new float[t.size()];
          java.util.Arrays.fill(values, Float.NaN);
          bad.put(name, Tensor.ofFloats(t.dtype(), t.shape(), values));
        } else {
          bad.put(name, t);
        }
      });
      return bad;
    }

    private static Map<String, Tensor> flipped(Map<String, Tensor> out) {
      Map<String, Tensor> flipped = new HashMap<>();
      out.forEach((name, t) -> {
        int n = t.size();
        if (t.dtype().isFloating()) {
          float[] values = new float[n];
          for (int i = 0; i < n; i++) {
            values[i] = (float) t.get(n - 1 - i);
          }
          flipped.put(name, Tensor.ofFloats(t.dtype(), t.shape(), values));
        } else {
          long[] values = new long[n];
          for (int i = 0; i < n; i++) {
            values[i] = 1 - (long) t.get(i);
          }
          flipped.put(name, Tensor.ofLongs(t.dtype(), t.shape(), values));
        }
      });
      return flipped;
    }

    @Override
    public void close() {
      real.close();
    }
  }
}
