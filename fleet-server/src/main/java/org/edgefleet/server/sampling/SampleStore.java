package org.edgefleet.server.sampling;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.edgefleet.protocol.message.SampleMessage;
import org.edgefleet.protocol.message.SamplingPolicy;

/** Sampled calls, their outcomes and the sampling policies of model versions. */
public interface SampleStore {

  /** Stores a sample; false when the device sent this id before (a replay). */
  boolean insert(String deviceId, String sampleId, SampleMessage.Sample sample, int bytes, Instant receivedAt);

  /** Stores an outcome; false when one for this request of this device is stored already. */
  boolean insertOutcome(String deviceId, SampleMessage.Outcome outcome, Instant receivedAt);

  /** Up to {@code limit} samples of the version after {@code afterId}, in id order, with their outcomes. */
  List<StoredSample> page(String model, int version, long afterId, int limit);

  Optional<StoredSample> find(long id);

  long count(String model, int version);

  /** Removes samples and outcomes received before {@code before}; returns how many rows went. */
  int purge(Instant before);

  Map<String, SamplingPolicy> policies();

  void putPolicy(String model, int version, SamplingPolicy policy, Instant at);

  boolean deletePolicy(String model, int version);
}
