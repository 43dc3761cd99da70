package org.edgefleet.protocol.message;

import java.time.Instant;
import java.util.Map;
import org.edgefleet.protocol.bundle.Names;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * One message on a device's {@code samples} topic: either a sampled call of a model version (its
 * inputs and outputs, as the sampling policy keeps them) or the outcome the application later
 * reported for a sampled request, which the server joins to the sample by request id. {@code id}
 * is unique per device, so a message delivered twice (at-least-once) is stored once.
 */
public record SampleMessage(int v, String deviceId, String id, Sample sample, Outcome outcome) {

  /**
   * Largest sample message; a call whose sample would be larger is skipped and counted by the agent.
   * It stays under the smallest broker packet limit the fleet meets (AWS IoT Core: 128 KiB) with the
   * topic and MQTT header on top.
   */
  public static final int MAX_BYTES = 120 * 1024;
  /** Most tensors one sample may hold, inputs and outputs together. */
  public static final int MAX_TENSORS = 64;
  private static final int MAX_ID = 64;

  public SampleMessage {
    MessageCodec.requireVersion(v, "sample");
    Topics.requireDeviceId(deviceId);
    if (id == null || id.isEmpty() || id.length() > MAX_ID || !id.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException("sample id must be 1-" + MAX_ID + " printable ASCII characters, was " + id);
    }
    if ((sample == null) == (outcome == null)) {
      throw new IllegalArgumentException("sample message " + id + " must carry exactly one of sample and outcome");
    }
  }

  public static SampleMessage of(String deviceId, String id, Sample sample) {
    return new SampleMessage(MessageCodec.VERSION, deviceId, id, sample, null);
  }

  public static SampleMessage of(String deviceId, String id, Outcome outcome) {
    return new SampleMessage(MessageCodec.VERSION, deviceId, id, null, outcome);
  }

  /**
   * A sampled call.
   *
   * @param requestId the id the application gave {@code predict}, absent when it gave none
   */
  public record Sample(String model, int version, String requestId, Instant takenAt, Map<String, Tensor> inputs,
      Map<String, Tensor> outputs) {
    public Sample {
      Names.require(model, "sample model");
      if (version < 1 || takenAt == null) {
        throw new IllegalArgumentException("sample of " + model + " needs a version >= 1 and takenAt");
      }
      if (requestId != null) {
        requireRequestId(requestId);
      }
      inputs = tensors(inputs, "input");
      outputs = tensors(outputs, "output");
      if (inputs.size() + outputs.size() < 1 || inputs.size() + outputs.size() > MAX_TENSORS) {
        throw new IllegalArgumentException("sample of " + model + " v" + version + " needs 1 to " + MAX_TENSORS
            + " tensors, had " + inputs.size() + " inputs and " + outputs.size() + " outputs");
      }
    }

    private static Map<String, Tensor> tensors(Map<String, Tensor> tensors, String what) {
      if (tensors == null) {
        return Map.of();
      }
      tensors.forEach((name, t) -> {
        Names.requireTensorName(name, "sample " + what + " name");
        if (t == null) {
          throw new IllegalArgumentException("sample " + what + " '" + name + "' has no tensor");
        }
      });
      return Map.copyOf(tensors);
    }
  }

  /** The outcome the application reported ({@code recordOutcome}) for a sampled request. */
  public record Outcome(String requestId, double value, Instant at) {
    public Outcome {
      requireRequestId(requestId);
      if (!Double.isFinite(value) || at == null) {
        throw new IllegalArgumentException("outcome of request " + requestId + " needs a finite value and a time, were "
            + value + " and " + at);
      }
    }
  }

  static String requireRequestId(String requestId) {
    if (requestId == null || requestId.isEmpty() || requestId.length() > 128
        || requestId.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("request id must be 1-128 characters without control characters, was " + requestId);
    }
    return requestId;
  }
}
