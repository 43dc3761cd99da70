package org.edgefleet.agent.outbox;

import java.io.IOException;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A bounded, durable, ordered queue of messages bound for the server. Each message belongs to a
 * stream ("events", "telemetry") and is numbered with the next sequence number of that stream,
 * in the same write that stores it, so a number the server may have seen is never given to another
 * message, even across a crash. When the bound is reached the oldest messages are dropped and
 * counted. A message is sent only once it is stored; while the disk refuses writes an outbox may
 * hold messages in memory ({@link #unsaved()}) and store them, in order, once it has room.
 */
public interface Outbox extends AutoCloseable {

  /**
   * The stream whose messages (update events, failures among them) matter most: an outbox that
   * reserves disk space spends it on these when the disk is full.
   */
  String PRIORITY_STREAM = "events";

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

  /** Messages dropped to respect the bound (or lost to a full disk) since the outbox was created. */
  long dropped();

  /** Messages accepted but not on disk yet because the disk refused them; they are stored as soon as it has room. */
  default long unsaved() {
    return 0;
  }

  @Override
  void close();
}
