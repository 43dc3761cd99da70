package org.edgefleet.agent.outbox;

/** A stored message: {@code id} orders all messages of an outbox, {@code seq} those of a stream. */
public record OutboxEntry(long id, String stream, long seq, String topic, byte[] payload) {}
