package org.edgefleet.server.cluster;

/**
 * A write fenced by a {@link Lease} found that this instance no longer holds it: another instance
 * took the work over. The transaction it was thrown in rolls back; the new holder does the work.
 */
public final class LeaseLost extends RuntimeException {

  public LeaseLost(String message) {
    super(message);
  }
}
