package org.edgefleet.server.rollout;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Rollouts and their targets. Called on the database thread only. */
public interface RolloutStore {

  long create(String model, int version, String digest, String selector, Strategy strategy, RolloutStatus status,
      Instant now) throws SQLException;

  void addTarget(long rolloutId, String deviceId, int stage, TargetState state, Instant now) throws SQLException;

  /** The rollout with its counts, and its targets when asked. */
  Optional<Rollout> find(long id, boolean withTargets) throws SQLException;

  /** Every rollout with its counts, newest first. */
  List<Rollout> list() throws SQLException;

  Optional<TargetState> targetState(long rolloutId, String deviceId) throws SQLException;

  void updateTarget(long rolloutId, String deviceId, TargetState state, String reason, String details, Instant now)
      throws SQLException;

  Map<TargetState, Integer> counts(long rolloutId) throws SQLException;

  void setStatus(long rolloutId, RolloutStatus status, Instant now) throws SQLException;

  List<Long> withStatus(RolloutStatus status) throws SQLException;

  /** Running rollouts of the model version. */
  List<Long> running(String model, int version) throws SQLException;
}
