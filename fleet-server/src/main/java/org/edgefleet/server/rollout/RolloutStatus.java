package org.edgefleet.server.rollout;

/**
 * Where a rollout is, in hawkBit's words. Staged strategies will add READY, PAUSED and STOPPED;
 * all-at-once goes straight from creation to RUNNING and ends FINISHED when every target has
 * reached a final state.
 */
public enum RolloutStatus {
  RUNNING, FINISHED
}
