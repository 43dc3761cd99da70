package org.edgefleet.protocol.message;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.edgefleet.protocol.bundle.Names;

/**
 * Which calls of a model version a device copies to the server, on its {@code samples} topic. Each
 * successful {@code predict} is taken with probability {@code rate}, while the device's bytes of
 * samples sent for this version today (UTC) stay within {@code dailyBytes}; a call that would pass
 * the budget is skipped, never sent late. Absent from an assignment: the device samples nothing.
 *
 * @param rate probability that one call is sampled, 0 to 1
 * @param dailyBytes most bytes of sample messages one device sends for this version per UTC day
 * @param inputs the inputs to keep, by name; absent: every input
 * @param outputs the outputs to keep, by name; absent: every output; empty: none
 */
public record SamplingPolicy(double rate, long dailyBytes, List<String> inputs, List<String> outputs) {

  /** Most names one list may hold. */
  public static final int MAX_NAMES = 256;
  /** Largest daily budget: 1 GiB a day is more than any uplink of an edge device should carry for samples. */
  public static final long MAX_DAILY_BYTES = 1L << 30;

  public SamplingPolicy {
    if (!(rate >= 0 && rate <= 1)) {
      throw new IllegalArgumentException("sampling.rate must be 0..1, was " + rate);
    }
    if (dailyBytes < 1 || dailyBytes > MAX_DAILY_BYTES) {
      throw new IllegalArgumentException("sampling.dailyBytes must be 1.." + MAX_DAILY_BYTES + ", was " + dailyBytes);
    }
    inputs = names(inputs, "sampling.inputs");
    outputs = names(outputs, "sampling.outputs");
  }

  /** Keeps every input and every output. */
  public static SamplingPolicy all(double rate, long dailyBytes) {
    return new SamplingPolicy(rate, dailyBytes, null, null);
  }

  public boolean keepsInput(String name) {
    return inputs == null || inputs.contains(name);
  }

  public boolean keepsOutput(String name) {
    return outputs == null || outputs.contains(name);
  }

  private static List<String> names(List<String> names, String field) {
    if (names == null) {
      return null;
    }
    if (names.size() > MAX_NAMES) {
      throw new IllegalArgumentException(field + " lists " + names.size() + " names, at most " + MAX_NAMES);
    }
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      Names.requireTensorName(n, field + " entry");
      if (!seen.add(n)) {
        throw new IllegalArgumentException(field + " lists '" + n + "' twice");
      }
    }
    return List.copyOf(names);
  }
}
