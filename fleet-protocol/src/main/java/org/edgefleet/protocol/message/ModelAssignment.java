package org.edgefleet.protocol.message;

import org.edgefleet.protocol.bundle.Names;

/**
 * One model the server wants on a device, in one role. {@code allowRollback} lets the signed
 * desired state ask for a version lower than the installed one, which a device otherwise refuses.
 */
public record ModelAssignment(String name, int version, SlotRole role, BundleRef bundle, boolean allowRollback) {

  public ModelAssignment {
    Names.require(name, "model name");
    if (version < 1) {
      throw new IllegalArgumentException("model " + name + ": version must be >= 1");
    }
    if (role == null || bundle == null) {
      throw new IllegalArgumentException("model " + name + ": role and bundle are required");
    }
  }
}
