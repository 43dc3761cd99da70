package org.edgefleet.server.rollout;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.edgefleet.server.desired.Assignment;

/**
 * Rollouts, their targets and history. Opened on one transaction, used inside it only. Whatever
 * changes a rollout or its targets locks the rollout first ({@link #lock}): one rollout moves in
 * one transaction at a time, whichever server instance runs it, and locks are taken rollout first,
 * targets after, so transactions do not deadlock on them.
 */
public interface RolloutStore {

  long create(String model, int version, String digest, String selector, String cohort, StrategySpec plan,
      RolloutStatus status, Instant now);

  /** Adds a target; {@code previous} is the device's assignment of the model it replaces (empty: none). */
  void addTarget(long rolloutId, String deviceId, int stage, TargetState state, Optional<Assignment> previous, Instant now);

  /** The rollout's status, with the rollout locked until the transaction ends; empty when there is no such rollout. */
  Optional<RolloutStatus> lock(long id);

  /** The rollout's status, read without locking it. */
  Optional<RolloutStatus> status(long id);

  /** The rollout with its counts, its first {@code maxTargets} targets in device id order (0: none) and its history. */
  Optional<Rollout> find(long id, int maxTargets);

  /** Up to {@code limit} rollouts the filter matches with their counts, newest first, older than {@code beforeId} (null: from the newest). */
  List<Rollout> list(RolloutFilter filter, Long beforeId, int limit);

  /** Up to {@code limit} targets of the rollout with device ids after {@code afterDevice} (null: from the start). */
  List<RolloutTarget> targets(long rolloutId, String afterDevice, int limit);

  Optional<TargetState> targetState(long rolloutId, String deviceId);

  void updateTarget(long rolloutId, String deviceId, TargetState state, String reason, String details, Instant now);

  Map<TargetState, Integer> counts(long rolloutId);

  void setStatus(long rolloutId, RolloutStatus status, Instant now);

  /** Moves the rollout to the stage, which starts now. */
  void setStage(long rolloutId, int stage, Instant now);

  void addHistory(long rolloutId, HistoryEntry entry);

  List<Long> withStatus(RolloutStatus status);

  /** Active rollouts ({@link RolloutStatus#isActive}), oldest first, without counts. */
  List<Rollout> active();

  /** Devices the rollout assigned its version to (not skipped, not superseded), with what they had before. */
  List<TouchedTarget> touched(long rolloutId);

  /** Every target device of the rollout, whatever its state. */
  Set<String> targetDevices(long rolloutId);

  /** Rollouts in which the device is a {@link TargetState#SKIPPED} target, newest first. */
  List<Rollout> skipping(String deviceId);

  /** Devices that are a target in the given state of some rollout. */
  Set<String> devicesIn(TargetState state);

  /** Running rollouts of the model version. */
  List<Long> running(String model, int version);
}
