package org.edgefleet.server.rollout;

import java.util.Optional;
import org.edgefleet.server.desired.Assignment;

/** A device a rollout assigned its version to, and the assignment that replaced (empty: it had none). */
record TouchedTarget(String deviceId, TargetState state, Optional<Assignment> previous) {}
