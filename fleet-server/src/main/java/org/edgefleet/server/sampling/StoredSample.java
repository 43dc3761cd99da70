package org.edgefleet.server.sampling;

import java.time.Instant;
import java.util.Map;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * A sampled call as stored, with the outcome the application reported for its request, if any.
 *
 * @param id the server's number of the sample, in arrival order (the key of listings and exports)
 * @param sampleId the device's id of the message (unique per device)
 */
public record StoredSample(long id, String deviceId, String sampleId, String model, int version, String requestId,
    Instant takenAt, Instant receivedAt, int bytes, Double outcome, Map<String, Tensor> inputs, Map<String, Tensor> outputs) {}
