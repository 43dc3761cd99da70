package org.edgefleet.agent.transport;

/** What a {@link Transport} reports. Implementations must return quickly. */
public interface TransportListener {

  /** Connected, with every registered subscription in place. */
  void onConnected();

  /** The connection dropped or could not be made; the transport keeps retrying. */
  void onConnectionLost(Throwable cause);

  void onMessage(String topic, byte[] payload);
}
