package org.edgefleet.server.alert;

/** Where an alert is: its condition holds but not yet for the rule's duration, holds long enough, or held and stopped. */
public enum AlertState {
  /** The condition holds, not yet for the rule's duration; not delivered, and dropped if the condition stops. */
  PENDING,
  /** The condition has held for the rule's duration; delivered to the webhooks. */
  FIRING,
  /** A firing alert whose condition stopped holding (or whose rule was deleted); delivered to the webhooks. */
  RESOLVED
}
