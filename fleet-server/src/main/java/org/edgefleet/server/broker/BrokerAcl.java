package org.edgefleet.server.broker;

import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * Who may connect to the embedded broker and what they may touch. The server's own client logs in
 * as {@link #SERVER_USERNAME} with the generated password and may do anything. A device logs in
 * with user name = client id = its device id (its password is not checked until device
 * certificates arrive) and may publish only its own device-bound topics and subscribe only to its
 * own desired state and chunk topics. Anonymous clients may connect but do nothing.
 */
final class BrokerAcl implements IAuthenticator, IAuthorizatorPolicy {

  static final String SERVER_USERNAME = "fleet-server";

  private final Topics topics;
  private final byte[] serverPassword;

  BrokerAcl(Topics topics, String serverPassword) {
    this.topics = topics;
    this.serverPassword = serverPassword.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public boolean checkValid(String clientId, String username, byte[] password) {
    if (SERVER_USERNAME.equals(username)) {
      return password != null && MessageDigest.isEqual(serverPassword, password);
    }
    return Topics.isValidDeviceId(username) && username.equals(clientId);
  }

  @Override
  public boolean canWrite(Topic topic, String user, String client) {
    if (SERVER_USERNAME.equals(user)) {
      return true;
    }
    return ownTopic(topic, user).map(TopicKind::fromDevice).orElse(false);
  }

  @Override
  public boolean canRead(Topic topic, String user, String client) {
    if (SERVER_USERNAME.equals(user)) {
      return true;
    }
    return ownTopic(topic, user).map(k -> k == TopicKind.DESIRED || k == TopicKind.BUNDLE_CHUNK).orElse(false);
  }

  // Exact topics only: a filter with wildcards never parses as a device topic, so it is refused.
  private Optional<TopicKind> ownTopic(Topic topic, String user) {
    if (user == null || !Topics.isValidDeviceId(user)) {
      return Optional.empty();
    }
    return topics.parse(topic.toString())
        .filter(t -> t.deviceId().equals(user))
        .map(Topics.DeviceTopic::kind);
  }
}
