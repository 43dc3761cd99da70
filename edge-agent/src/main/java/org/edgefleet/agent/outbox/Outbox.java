package org.edgefleet.agent.outbox;

import java.io.IOException;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A bounded, durable, ordered queue of messages bound for the server. Each message belongs to a
 * stream ("events", "telemetry") and is numbered with the next sequence number of that stream,
 * in the same write that stores it, so a number is never given to two messages, even across a
 * crash. When the bound is reached the oldest messages are dropped and counted.
 */
public interface Outbox extends AutoCloseable {

  /**
   * Stores a message and returns its sequence number in {@code stream} (1, 2, ...).
   *
   * @param payload builds the message bytes for the sequence number it is given
   */
  long append(String stream, String topic, LongFunction<byte[]> payload) throws IOException;

  /** Up to {@code max} of the oldest messages, oldest first. */
  List<OutboxEntry> oldest(int max) throws IOException;

  /** Removes a message the server has acknowledged; removing an absent id does nothing. */
  void remove(long id) throws IOException;

  long size();

  /** Messages dropped to respect the bound since the outbox was created. */
  long dropped();

  @Override
  void close();
}
