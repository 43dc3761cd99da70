package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.telemetry.ModelMetrics;

/**
 * A shadow rollout: {@code percent} of the cohort runs the new version beside its active one; its
 * outputs are only compared. An operator promotes it (it then serves on the whole cohort), unless
 * {@code promoteWhen} says when the server may promote it by itself.
 *
 * @param promoteWhen the rule for promoting without an operator, or null to wait for one
 */
public record ShadowSpec(double percent, PromoteWhen promoteWhen) {

  public static final ShadowSpec DEFAULT = new ShadowSpec(100, null);

  /**
   * When the shadow agrees well enough with the active version to serve.
   *
   * @param minCompared shadow runs compared (over every device) before the rule is judged
   * @param minTop1Agreement share of runs whose top class matched the active version's, or null not to judge it
   * @param maxMeanAbsDiff highest mean absolute difference allowed on any output, or null not to judge it
   */
  public record PromoteWhen(long minCompared, Double minTop1Agreement, Double maxMeanAbsDiff) {
    public PromoteWhen {
      if (minCompared < 1 || minCompared > 1_000_000_000L) {
        throw FleetException.invalid("bad_shadow", "\"shadow.promoteWhen.minCompared\" must be between 1 and 1000000000, was "
            + minCompared);
      }
      if (minTop1Agreement == null && maxMeanAbsDiff == null) {
        throw FleetException.invalid("bad_shadow", "\"shadow.promoteWhen\" needs \"minTop1Agreement\" or \"maxMeanAbsDiff\"");
      }
      if (minTop1Agreement != null && !(minTop1Agreement >= 0 && minTop1Agreement <= 1)) {
        throw FleetException.invalid("bad_shadow", "\"shadow.promoteWhen.minTop1Agreement\" must be between 0 and 1");
      }
      if (maxMeanAbsDiff != null && !(maxMeanAbsDiff >= 0 && maxMeanAbsDiff < Double.POSITIVE_INFINITY)) {
        throw FleetException.invalid("bad_shadow", "\"shadow.promoteWhen.maxMeanAbsDiff\" must be finite and >= 0");
      }
    }

    @JsonCreator
    static PromoteWhen of(@JsonProperty("minCompared") Long minCompared, @JsonProperty("minTop1Agreement") Double minTop1Agreement,
        @JsonProperty("maxMeanAbsDiff") Double maxMeanAbsDiff) {
      return new PromoteWhen(minCompared == null ? 1000 : minCompared, minTop1Agreement, maxMeanAbsDiff);
    }

    /** Why the comparison does not yet allow promotion, or null when it does. */
    String unmet(ModelMetrics.Shadow s, long runs) {
      if (s == null || runs < minCompared) {
        return (s == null ? 0 : runs) + " of the " + minCompared + " shadow runs needed were compared";
      }
      if (minTop1Agreement != null && (s.top1Agreement() == null || s.top1Agreement() < minTop1Agreement)) {
        return "top-1 agreement " + s.top1Agreement() + " is below " + minTop1Agreement;
      }
      if (maxMeanAbsDiff != null) {
        for (Map.Entry<String, Double> e : s.meanAbsDiff().entrySet()) {
          if (e.getValue() > maxMeanAbsDiff) {
            return "mean absolute difference of output '" + e.getKey() + "' is " + e.getValue() + ", above " + maxMeanAbsDiff;
          }
        }
      }
      return null;
    }
  }

  public ShadowSpec {
    if (!(percent > 0) || percent > 100 || Math.round(percent * 100) != percent * 100) {
      throw FleetException.invalid("bad_shadow", "\"shadow.percent\" must be above 0 and at most 100 with at most two decimals, was "
          + percent);
    }
  }

  @JsonCreator
  static ShadowSpec of(@JsonProperty("percent") Double percent, @JsonProperty("promoteWhen") PromoteWhen promoteWhen) {
    return new ShadowSpec(percent == null ? DEFAULT.percent : percent, promoteWhen);
  }
}
