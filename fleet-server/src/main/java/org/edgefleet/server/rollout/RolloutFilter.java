package org.edgefleet.server.rollout;

/** Which rollouts a listing shows; null parts match all. */
public record RolloutFilter(RolloutStatus status, String model) {

  public static final RolloutFilter ALL = new RolloutFilter(null, null);
}
