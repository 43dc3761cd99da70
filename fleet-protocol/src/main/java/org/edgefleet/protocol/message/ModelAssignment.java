package org.edgefleet.protocol.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import org.edgefleet.protocol.bundle.Names;

/**
 * One model the server wants on a device, in one role. {@code allowRollback} lets the signed
 * desired state ask for a version lower than the installed one, which a device otherwise refuses.
 *
 * @param share the fraction of requests an {@link SlotRole#ARM ARM} serves, above 0 and below 1;
 *     absent for every other role
 * @param sampling which of this version's calls the device copies to the server; absent: none
 * @param recordOutcomes whether the outcomes the application reports are attributed to this
 *     version while it serves as the active one: the device's part in an A/B test split by device,
 *     where each device serves one arm alone. Only an active version has it; absent (false) in
 *     desired states from before it, and left out when false so that older agents see what they did
 */
public record ModelAssignment(String name, int version, SlotRole role, BundleRef bundle, boolean allowRollback,
    Double share, SamplingPolicy sampling, @JsonInclude(JsonInclude.Include.NON_DEFAULT) @JsonSetter(nulls = Nulls.AS_EMPTY)
    boolean recordOutcomes) {

  public ModelAssignment {
    Names.require(name, "model name");
    if (version < 1) {
      throw new IllegalArgumentException("model " + name + ": version must be >= 1");
    }
    if (role == null || bundle == null) {
      throw new IllegalArgumentException("model " + name + ": role and bundle are required");
    }
    if (role == SlotRole.ARM && (share == null || !(share > 0 && share < 1))) {
      throw new IllegalArgumentException("model " + name + " v" + version + ": an arm needs a share above 0 and below 1, was "
          + share);
    }
    if (role != SlotRole.ARM && share != null) {
      throw new IllegalArgumentException("model " + name + " v" + version + ": only an arm has a share, not role "
          + role.wireName());
    }
    if (recordOutcomes && role != SlotRole.ACTIVE) {
      throw new IllegalArgumentException("model " + name + " v" + version + ": only an active version records outcomes; an "
          + role.wireName() + " " + (role == SlotRole.ARM ? "records them by its share of the requests" : "serves none"));
    }
  }

  public ModelAssignment(String name, int version, SlotRole role, BundleRef bundle, boolean allowRollback, Double share,
      SamplingPolicy sampling) {
    this(name, version, role, bundle, allowRollback, share, sampling, false);
  }

  public ModelAssignment(String name, int version, SlotRole role, BundleRef bundle, boolean allowRollback, Double share) {
    this(name, version, role, bundle, allowRollback, share, null);
  }

  /** An assignment in a role without a share (every role but ARM). */
  public ModelAssignment(String name, int version, SlotRole role, BundleRef bundle, boolean allowRollback) {
    this(name, version, role, bundle, allowRollback, null);
  }

  /** An A/B arm serving {@code share} of the requests. */
  public static ModelAssignment arm(String name, int version, BundleRef bundle, double share) {
    return new ModelAssignment(name, version, SlotRole.ARM, bundle, false, share);
  }

  /** This assignment with the given sampling policy (null: sample nothing). */
  public ModelAssignment withSampling(SamplingPolicy policy) {
    return new ModelAssignment(name, version, role, bundle, allowRollback, share, policy, recordOutcomes);
  }

  /** This active assignment with the device's outcomes attributed to it while it serves (an A/B test split by device). */
  public ModelAssignment recordingOutcomes() {
    return new ModelAssignment(name, version, role, bundle, allowRollback, share, sampling, true);
  }
}
