package org.edgefleet.server.broker;

import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.edgefleet.protocol.mqtt.TopicKind;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.identity.CertificateNames;
import org.edgefleet.server.mqtt.ServerClientIds;

/**
 * Who may connect to the embedded broker and what they may touch. The server's identity is
 * reserved: a login with user name {@link #SERVER_USERNAME} or with one of the server's client ids
 * (its main one and its transfer one, {@link ServerClientIds}) needs the generated password, and then may do anything (tools on the server's machine use it too). A device logs in with user name = client id
 * = its device id, never one of the server's names, and may publish only its own device-bound
 * topics and subscribe only to its own desired state and chunk topics, and to the broadcast topic of
 * a bundle its current desired state names (checked at subscription: a device keeps a subscription
 * made while its state named the bundle until it unsubscribes or disconnects). With TLS on, a device must
 * also present a fleet-CA certificate whose CN is that device id and whose key is the one it
 * enrolled with, and its identity must be accepted ({@link BrokerTls.Admission}); without TLS its
 * password is not checked. A revoked device is refused either way. A login without a user name is refused by the broker itself
 * (anonymous logins are off). A client id already connected is refused too ({@link ClientIdClaims}).
 */
final class BrokerAcl implements IAuthenticator, IAuthorizatorPolicy {

  static final String SERVER_USERNAME = "fleet-server";

  private final Topics topics;
  private final String serverClientId;
  private final byte[] serverPassword;
  private final ClientIdClaims claims;
  private final BrokerTls tls;
  private final Predicate<String> revoked;
  private final BiPredicate<String, String> bundleReaders;
  private final AtomicLong refusedLogins = new AtomicLong();

  /**
   * @param tls the TLS listener's settings, or null when the broker listens on plain TCP
   * @param revoked whether a device id is revoked
   * @param bundleReaders whether a device may read the broadcast topic of a bundle digest
   */
  BrokerAcl(Topics topics, String serverClientId, String serverPassword, ClientIdClaims claims, BrokerTls tls,
      Predicate<String> revoked, BiPredicate<String, String> bundleReaders) {
    this.topics = topics;
    this.serverClientId = serverClientId;
    this.serverPassword = serverPassword.getBytes(StandardCharsets.UTF_8);
    this.claims = claims;
    this.tls = tls;
    this.revoked = revoked;
    this.bundleReaders = bundleReaders;
  }

  @Override
  public boolean checkValid(String clientId, String username, byte[] password) {
    boolean valid;
    if (isServer(clientId, username)) {
      valid = serverPasswordMatches(password);
    } else {
      valid = isDevice(clientId, username) && !revoked.test(clientId) && (tls == null || certified(clientId));
    }
    if (!valid) {
      refusedLogins.incrementAndGet();
      return false;
    }
    return claims.claim(clientId);
  }

  /** Logins refused for their credentials (not counting client ids in use). */
  long refusedLogins() {
    return refusedLogins.get();
  }

  // Any of the server's names makes a login the server's: it then needs the password. The transfer
  // connection's ids are reserved too, so no device can hold the id the server's chunk path needs.
  private boolean isServer(String clientId, String username) {
    return SERVER_USERNAME.equals(username) || serverClientId.equals(clientId) || SERVER_USERNAME.equals(clientId)
        || ServerClientIds.transfer(serverClientId).equals(clientId) || ServerClientIds.transfer(SERVER_USERNAME).equals(clientId);
  }

  private boolean serverPasswordMatches(byte[] password) {
    return password != null && MessageDigest.isEqual(serverPassword, password);
  }

  // The connection's certificate (see PeerBoundEngine) names this device and carries its enrolled key.
  private boolean certified(String deviceId) {
    Optional<X509Certificate> peer = PeerBoundEngine.currentPeer();
    return peer.isPresent() && CertificateNames.commonName(peer.get()).filter(deviceId::equals).isPresent()
        && tls.admission().admits(deviceId, peer.get().getPublicKey());
  }

  private static boolean isDevice(String clientId, String username) {
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
    Optional<String> bundle = topics.parseBundleChunks(topic.toString());
    if (bundle.isPresent()) {
      return Topics.isValidDeviceId(user) && bundleReaders.test(user, bundle.get());
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
