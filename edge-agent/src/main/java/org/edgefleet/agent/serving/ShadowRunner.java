package org.edgefleet.agent.serving;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.edgefleet.agent.PredictionException;
import org.edgefleet.agent.metrics.ShadowStats;
import org.edgefleet.protocol.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs work beside the application's calls, on one worker thread of its own: shadow versions on
 * the inputs the active version just served, comparing their outputs, and the side-by-side
 * {@link LatencyPairs} of a health window. The caller only offers to a bounded queue: when it is
 * full the run is skipped (a shadow run is counted), so neither ever blocks or slows a
 * {@code predict}. The caller's input tensors are read later by the worker, which the tensors'
 * read-only contract allows. The worker thread starts with the first run and stops with
 * {@link #close()}.
 */
public final class ShadowRunner implements AutoCloseable {

  /** Shadow runs waiting, at most, by default. */
  public static final int DEFAULT_QUEUE = 64;
  private static final Logger log = LoggerFactory.getLogger(ShadowRunner.class);

  private sealed interface Job {}

  private record ShadowRun(ServingModel shadow, int activeVersion, Map<String, Tensor> inputs,
      Map<String, Tensor> activeOutputs) implements Job {}

  private record LatencyPair(ServingModel current, ServingModel previous, LatencyPairs pairs, Map<String, Tensor> inputs)
      implements Job {}

  private final String deviceId;
  private final BlockingQueue<Job> queue;
  private volatile Thread worker;
  private boolean closed;

  public ShadowRunner(String deviceId, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("shadow queue capacity must be >= 1, was " + capacity);
    }
    this.deviceId = deviceId;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  /** Queues a shadow run, or counts it skipped when the queue is full. Never blocks. */
  void offer(ServingModel shadow, int activeVersion, Map<String, Tensor> inputs, Map<String, Tensor> activeOutputs) {
    if (worker == null) {
      startWorker();
    }
    if (!queue.offer(new ShadowRun(shadow, activeVersion, inputs, activeOutputs))) {
      shadow.metrics().shadow().skipped(activeVersion);
    }
  }

  /** Queues a timing of {@code current} and {@code previous} on the same inputs; dropped when the queue is full. */
  void offerPair(ServingModel current, ServingModel previous, LatencyPairs pairs, Map<String, Tensor> inputs) {
    if (worker == null) {
      startWorker();
    }
    queue.offer(new LatencyPair(current, previous, pairs, inputs));
  }

  private synchronized void startWorker() {
    if (worker != null || closed) {
      return;
    }
    Thread t = new Thread(this::work, "edge-agent-shadow-" + deviceId);
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
    worker = t;
  }

  private void work() {
    try {
      for (;;) {
        Job job = queue.take();
        if (job instanceof ShadowRun r) {
          runShadow(r);
        } else if (job instanceof LatencyPair p) {
          timePair(p);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void runShadow(ShadowRun r) {
    ServingModel m = r.shadow();
    if (!m.tryAcquire()) {
      return; // the shadow was retired while the run waited
    }
    long start = System.nanoTime();
    try {
      Map<String, Tensor> out = m.run(r.inputs());
      m.metrics().recordSuccess(System.nanoTime() - start, out);
      compare(m.metrics().shadow(), r.activeVersion(), r.activeOutputs(), out);
    } catch (PredictionException e) {
      m.metrics().recordError();
      log.debug("event=shadow_run_failed model={} version={} reason=\"{}\"", m.name(), m.version(), e.getMessage());
    } catch (RuntimeException e) {
      m.metrics().recordError();
      log.warn("event=shadow_run_failed model={} version={} reason=\"{}\"", m.name(), m.version(), e.toString());
    } finally {
      m.release();
    }
  }

  private static void timePair(LatencyPair p) {
    if (!p.current().tryAcquire()) {
      return;
    }
    try {
      if (!p.previous().tryAcquire()) {
        return; // the health window ended while the pair waited
      }
      try {
        boolean currentFirst = p.pairs().currentFirst();
        long first = timed(currentFirst ? p.current() : p.previous(), p.inputs());
        long second = timed(currentFirst ? p.previous() : p.current(), p.inputs());
        p.pairs().record(currentFirst ? first : second, currentFirst ? second : first);
      } catch (PredictionException | RuntimeException e) {
        p.pairs().failed();
        log.debug("event=latency_pair_failed model={} version={} reason=\"{}\"", p.current().name(), p.current().version(),
            e.getMessage());
      } finally {
        p.previous().release();
      }
    } finally {
      p.current().release();
    }
  }

  private static long timed(ServingModel m, Map<String, Tensor> inputs) throws PredictionException {
    long start = System.nanoTime();
    m.run(inputs);
    return System.nanoTime() - start;
  }

  static void compare(ShadowStats stats, int activeVersion, Map<String, Tensor> active, Map<String, Tensor> shadow) {
    for (Map.Entry<String, Tensor> e : active.entrySet()) {
      Tensor a = e.getValue();
      Tensor s = shadow.get(e.getKey());
      if (s == null || s.size() != a.size() || a.size() == 0) {
        continue;
      }
      if (isClassScores(a)) {
        stats.top1(activeVersion, argmax(a) == argmax(s));
      } else {
        double sum = 0;
        for (int i = 0; i < a.size(); i++) {
          sum += Math.abs(a.get(i) - s.get(i));
        }
        stats.absDiff(activeVersion, e.getKey(), sum, a.size());
      }
    }
  }

  /** One row of at least two floating scores: shape [n] or [1, n]. */
  static boolean isClassScores(Tensor t) {
    long[] shape = t.shape();
    boolean row = shape.length == 1 || shape.length == 2 && shape[0] == 1;
    return t.dtype().isFloating() && row && t.size() >= 2;
  }

  private static int argmax(Tensor t) {
    int best = 0;
    for (int i = 1; i < t.size(); i++) {
      if (t.get(i) > t.get(best)) {
        best = i;
      }
    }
    return best;
  }

  /** Drops the waiting runs and stops the worker. */
  @Override
  public synchronized void close() {
    closed = true;
    queue.clear();
    if (worker != null) {
      worker.interrupt();
    }
  }
}
