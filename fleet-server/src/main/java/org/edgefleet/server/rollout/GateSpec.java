package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.edgefleet.server.FleetException;

/**
 * The health gates of a staged rollout, checked on the devices of the current and earlier stages.
 *
 * @param minDevicesReporting devices that must have sent telemetry of the new version before a stage
 *     may pass (capped at the stage's device count)
 * @param maxInstallFailureRate share of the stage's devices whose update may fail
 * @param maxErrorRate share of the new version's inferences that may fail
 * @param maxP95Ratio how many times the previous version's p95 latency on the same devices the new
 *     version's p95 may be...
 * @param p95SlackMs ...unless it is within this many milliseconds of it (small latencies jitter)
 * @param baselineSeconds how far before the rollout the previous version's telemetry counts
 * @param maxInvalidOutputRate share of the new version's inferences (on agents that count them) whose
 *     outputs may hold NaN or infinity
 * @param drift the drift gate, or null for none
 */
public record GateSpec(int minDevicesReporting, double maxInstallFailureRate, double maxErrorRate, double maxP95Ratio,
    double p95SlackMs, long baselineSeconds, double maxInvalidOutputRate, DriftGate drift) {

  public static final GateSpec DEFAULT = new GateSpec(1, 0.1, 0.05, 1.5, 5, 3600, 0, null);

  public GateSpec {
    check(minDevicesReporting >= 0 && minDevicesReporting <= 1_000_000, "minDevicesReporting", "between 0 and 1000000");
    check(maxInstallFailureRate >= 0 && maxInstallFailureRate <= 1, "maxInstallFailureRate", "between 0 and 1");
    check(maxErrorRate >= 0 && maxErrorRate <= 1, "maxErrorRate", "between 0 and 1");
    check(maxP95Ratio >= 1 && maxP95Ratio <= 1000, "maxP95Ratio", "between 1 and 1000");
    check(p95SlackMs >= 0 && p95SlackMs <= 3_600_000, "p95SlackMs", "between 0 and 3600000");
    check(baselineSeconds >= 0 && baselineSeconds <= 30L * 24 * 3600, "baselineSeconds", "between 0 and 2592000");
    check(maxInvalidOutputRate >= 0 && maxInvalidOutputRate <= 1, "maxInvalidOutputRate", "between 0 and 1");
  }

  /** A request's gates: any field left out takes its default. */
  @JsonCreator
  static GateSpec of(@JsonProperty("minDevicesReporting") Integer minDevicesReporting,
      @JsonProperty("maxInstallFailureRate") Double maxInstallFailureRate, @JsonProperty("maxErrorRate") Double maxErrorRate,
      @JsonProperty("maxP95Ratio") Double maxP95Ratio, @JsonProperty("p95SlackMs") Double p95SlackMs,
      @JsonProperty("baselineSeconds") Long baselineSeconds, @JsonProperty("maxInvalidOutputRate") Double maxInvalidOutputRate,
      @JsonProperty("drift") DriftGate drift) {
    GateSpec d = DEFAULT;
    return new GateSpec(or(minDevicesReporting, d.minDevicesReporting), or(maxInstallFailureRate, d.maxInstallFailureRate),
        or(maxErrorRate, d.maxErrorRate), or(maxP95Ratio, d.maxP95Ratio), or(p95SlackMs, d.p95SlackMs),
        or(baselineSeconds, d.baselineSeconds), or(maxInvalidOutputRate, d.maxInvalidOutputRate), drift);
  }

  private static <T> T or(T value, T otherwise) {
    return value == null ? otherwise : value;
  }

  static void check(boolean ok, String field, String range) {
    if (!ok) {
      throw FleetException.invalid("bad_gates", "gate \"" + field + "\" must be " + range);
    }
  }
}
