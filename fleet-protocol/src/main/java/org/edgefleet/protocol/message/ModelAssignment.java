package org.edgefleet.protocol.message;

import org.edgefleet.protocol.bundle.Names;

/**
 * One model the server wants on a device, in one role. {@code allowRollback} lets the signed
 * desired state ask for a version lower than the installed one, which a device otherwise refuses.
 *
 * @param share the fraction of requests an {@link SlotRole#ARM ARM} serves, above 0 and below 1;
 *     absent for every other role
 * @param sampling which of this version's calls the device copies to the server; absent: none
 */
public record ModelAssignment(String name, int version, SlotRole role, BundleRef bundle, boolean allowRollback,
    Double share, SamplingPolicy sampling) {

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
    return new ModelAssignment(name, version, role, bundle, allowRollback, share, policy);
  }
}
