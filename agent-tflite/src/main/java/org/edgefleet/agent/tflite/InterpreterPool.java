package org.edgefleet.agent.tflite;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.edgefleet.tflite.TfliteException;
import org.edgefleet.tflite.TfliteFile;
import org.edgefleet.tflite.TfliteInterpreter;
import org.edgefleet.tflite.TfliteOptions;

/**
 * Up to {@code max} interpreters on one model file, each used by one caller at a time. Idle
 * interpreters wait in a queue; a caller takes one, makes a new one while fewer than {@code max}
 * exist, or else waits for one to be returned.
 */
final class InterpreterPool implements AutoCloseable {

  private final TfliteFile file;
  private final TfliteOptions options;
  private final BlockingQueue<TfliteInterpreter> idle;
  private final List<TfliteInterpreter> all = new ArrayList<>();
  private final int max;

  InterpreterPool(TfliteFile file, TfliteOptions options, int max, TfliteInterpreter first) {
    this.file = file;
    this.options = options;
    this.max = max;
    this.idle = new ArrayBlockingQueue<>(max);
    all.add(first);
    idle.add(first);
  }

  TfliteInterpreter take() throws TfliteException, InterruptedException {
    TfliteInterpreter it = idle.poll();
    if (it != null) {
      return it;
    }
    synchronized (all) {
      if (all.size() < max) {
        TfliteInterpreter created = file.newInterpreter(options);
        all.add(created);
        return created;
      }
    }
    return idle.take();
  }

  void give(TfliteInterpreter it) {
    idle.add(it);
  }

  int size() {
    synchronized (all) {
      return all.size();
    }
  }

  /** Only once no caller holds an interpreter (the agent retires a session after its last call). */
  @Override
  public void close() {
    synchronized (all) {
      all.forEach(TfliteInterpreter::close);
      all.clear();
    }
    file.close();
  }
}
