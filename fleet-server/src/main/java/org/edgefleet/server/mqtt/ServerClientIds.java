package org.edgefleet.server.mqtt;

/**
 * The client ids of the server's two MQTT connections. The main one ({@code --mqtt-client-id})
 * carries every device message that is stored (reports, events, telemetry, status, samples) and
 * the desired states; the transfer one carries only chunk requests and the chunks that answer them.
 *
 * <p>Why two connections: Paho hands one connection's messages to one callback thread, and the same
 * thread completes that connection's publishes (its PUBACKs). Storage pushes back by blocking that
 * thread when the database is slow (so the broker, not the heap, holds the backlog, and nothing the
 * broker acknowledged is dropped); on one connection a chunk request, and the acknowledgements of
 * the chunks in flight, would then wait behind the telemetry of the whole fleet. Chunk requests need
 * no database, so on their own connection they are served at once. A separate connection needs no
 * broker feature beyond MQTT 3.1.1 and works the same in a shared-subscription group.
 */
public final class ServerClientIds {

  private static final String TRANSFER_SUFFIX = "-transfer";

  private ServerClientIds() {}

  /** The client id of the transfer connection of the server whose main client id is given. */
  public static String transfer(String serverClientId) {
    return serverClientId + TRANSFER_SUFFIX;
  }
}
