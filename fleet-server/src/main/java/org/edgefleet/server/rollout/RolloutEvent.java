package org.edgefleet.server.rollout;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What happened to a rollout, as its history records it. */
public enum RolloutEvent {
  CREATED, STAGE_STARTED, AWAITING_APPROVAL, PAUSED, RESUMED, PROMOTED, FINISHED, REOPENED, ABORTED, ROLLED_BACK;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
