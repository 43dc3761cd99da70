package org.edgefleet.server.sampling;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.edgefleet.protocol.message.SamplingPolicy;

/**
 * The sampling policy of each model version, held in memory so the desired-state signer reads it
 * without a database round trip; the {@link SampleService} loads it and keeps it current.
 */
public final class SamplingPolicies {

  private final Map<String, SamplingPolicy> byVersion = new ConcurrentHashMap<>();

  static String key(String model, int version) {
    return model + "/" + version;
  }

  public Optional<SamplingPolicy> of(String model, int version) {
    return Optional.ofNullable(byVersion.get(key(model, version)));
  }

  void replaceAll(Map<String, SamplingPolicy> policies) {
    byVersion.keySet().retainAll(policies.keySet());
    byVersion.putAll(policies);
  }

  void put(String model, int version, SamplingPolicy policy) {
    byVersion.put(key(model, version), policy);
  }

  void remove(String model, int version) {
    byVersion.remove(key(model, version));
  }
}
