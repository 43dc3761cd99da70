package org.edgefleet.server.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Page;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device enrollment and identity: operators issue enrollment tokens; a device sends a token and a
 * certificate request and gets a certificate from the fleet CA (at once, or once an operator accepts
 * it when the token says so); a device renews with a request signed by the key it enrolled with and
 * the certificate it holds; an operator revokes a device, which keeps it out of the broker for good.
 *
 * <p>The broker asks {@link #admits} on every TLS login, on its I/O thread: the answer comes from a
 * map in memory kept in step with the database by this service.
 */
public final class IdentityService {

  private static final Logger LOG = LoggerFactory.getLogger(IdentityService.class);
  private static final String TOKEN_PREFIX = "eft_";
  static final int MAX_TOKEN_USES = 100_000;
  static final Duration MAX_TOKEN_VALIDITY = Duration.ofDays(365);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A token as issued: the secret is in it this once and never again. */
  public record IssuedToken(String id, String token, int uses, Instant expiresAt, boolean needsApproval) {}

  /** What an enrollment or renewal gives: a certificate and the CA that issued it, or a wait for acceptance. */
  public record Enrollment(String deviceId, IdentityState state, String certificate, String caCertificate, Instant notAfter) {}

  private final Database db;
  private final Function<Transaction, IdentityStore> stores;
  private final FleetCa ca;
  private final Duration certificateValidity;
  private final Clock clock;
  private final String caPem;
  // device id -> state and enrolled key (base64 SubjectPublicKeyInfo), for the broker's logins
  private final Map<String, DeviceIdentity> admitted = new ConcurrentHashMap<>();
  private final List<Consumer<String>> revokeListeners = new CopyOnWriteArrayList<>();

  public IdentityService(Database db, Function<Transaction, IdentityStore> stores, FleetCa ca, Duration certificateValidity,
      Clock clock) {
    this.db = db;
    this.stores = stores;
    this.ca = ca;
    this.certificateValidity = certificateValidity;
    this.clock = clock;
    this.caPem = Pem.of(ca.certificate());
  }

  /** Loads every identity for {@link #admits}. */
  public CompletableFuture<Void> load() {
    return db.read(tx -> {
      String after = "";
      List<DeviceIdentity> page;
      do {
        page = stores.apply(tx).list(null, after, 1000);
        page.forEach(i -> admitted.put(i.deviceId(), i));
        after = page.isEmpty() ? after : page.get(page.size() - 1).deviceId();
      } while (page.size() == 1000);
      return null;
    });
  }

  /** Called with the device id once a device is revoked (the broker disconnects it). */
  public void onRevoked(Consumer<String> listener) {
    revokeListeners.add(listener);
  }

  public String caCertificatePem() {
    return caPem;
  }

  public FleetCa ca() {
    return ca;
  }

  public CompletableFuture<IssuedToken> createToken(int uses, Duration validFor, boolean needsApproval) {
    if (uses < 1 || uses > MAX_TOKEN_USES) {
      return CompletableFuture.failedFuture(FleetException.invalid("bad_token_uses",
          "\"uses\" must be 1 (one-time) to " + MAX_TOKEN_USES + ", was " + uses));
    }
    if (validFor == null || validFor.isNegative() || validFor.isZero() || validFor.compareTo(MAX_TOKEN_VALIDITY) > 0) {
      return CompletableFuture.failedFuture(FleetException.invalid("bad_token_validity",
          "\"validForSeconds\" must be 1 to " + MAX_TOKEN_VALIDITY.toSeconds() + " (365 days), was "
              + (validFor == null ? null : validFor.toSeconds())));
    }
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String hash = hash(token);
    Instant now = clock.instant();
    EnrollmentToken t = new EnrollmentToken("tok-" + hash.substring(0, 12), hash, uses, now.plus(validFor), needsApproval, now);
    return db.execute(tx -> {
      stores.apply(tx).addToken(t);
      LOG.info("event=enrollment_token_created id={} uses={} expires_at={} needs_approval={}", t.id(), uses, t.expiresAt(),
          needsApproval);
      return new IssuedToken(t.id(), token, uses, t.expiresAt(), needsApproval);
    });
  }

  /** Enrolls the device the request names, with the token's authority. */
  public CompletableFuture<Enrollment> enroll(String token, String csrPem) {
    CertificateRequests.Checked csr;
    try {
      if (token == null || token.isEmpty() || token.length() > 200) {
        throw new EnrollmentRefused("bad_token", "an enrollment needs \"token\", the enrollment token an operator issued");
      }
      csr = CertificateRequests.check(csrPem);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    String key = encode(csr.publicKey());
    return db.execute(tx -> {
      IdentityStore store = stores.apply(tx);
      Instant now = clock.instant();
      Optional<DeviceIdentity> known = store.identity(csr.deviceId());
      if (known.isPresent()) {
        DeviceIdentity i = known.get();
        if (i.state() == IdentityState.REVOKED) {
          throw new EnrollmentRefused("device_revoked", "device " + i.deviceId() + " is revoked: it cannot enroll again");
        }
        if (!i.publicKey().equals(key)) {
          throw FleetException.conflict("device_enrolled", "device " + i.deviceId() + " is enrolled with another key: "
              + "revoke it and enroll the device under a new id, or keep its key");
        }
        if (i.state() == IdentityState.PENDING) {
          return new Enrollment(i.deviceId(), IdentityState.PENDING, null, caPem, null);
        }
        // The same key asks again (a lost answer): a fresh certificate for a key only the device holds.
        return issue(tx, store, i, csr.publicKey(), now);
      }
      EnrollmentToken t = store.token(hash(token)).orElseThrow(() -> new EnrollmentRefused("unknown_token",
          "the enrollment token is not one this server issued"));
      if (!t.expiresAt().isAfter(now)) {
        throw new EnrollmentRefused("token_expired", "the enrollment token expired at " + t.expiresAt()
            + ": ask an operator for a new one");
      }
      if (!store.useToken(t.hash(), now)) {
        throw new EnrollmentRefused("token_used", "the enrollment token has no enrollments left: ask an operator for a new one");
      }
      DeviceIdentity fresh = new DeviceIdentity(csr.deviceId(), t.needsApproval() ? IdentityState.PENDING : IdentityState.ACCEPTED,
          key, null, null, now);
      store.save(fresh);
      tx.afterCommit(() -> admitted.put(fresh.deviceId(), fresh));
      LOG.info("event=device_enrolled device={} token={} state={}", fresh.deviceId(), t.id(), fresh.state());
      if (fresh.state() == IdentityState.PENDING) {
        return new Enrollment(fresh.deviceId(), IdentityState.PENDING, null, caPem, null);
      }
      return issue(tx, store, fresh, csr.publicKey(), now);
    });
  }

  /**
   * Renews a device's certificate: {@code certificatePem} must be one the fleet CA issued to the
   * device and still valid, and the request must carry (and be signed by) the key the device enrolled with.
   */
  public CompletableFuture<Enrollment> renew(String certificatePem, String csrPem) {
    CertificateRequests.Checked csr;
    X509Certificate current;
    try {
      csr = CertificateRequests.check(csrPem);
      if (certificatePem == null || certificatePem.length() > CertificateRequests.MAX_PEM_CHARS) {
        throw FleetException.invalid("bad_certificate", "a renewal needs \"certificate\", the PEM of the device's current "
            + "certificate (at most " + CertificateRequests.MAX_PEM_CHARS + " characters)");
      }
      current = Pem.certificate(certificatePem);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(FleetException.invalid("bad_certificate", "\"certificate\": " + e.getMessage()));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    Instant now = clock.instant();
    if (!ca.issued(current) || !CertificateNames.commonName(current).filter(csr.deviceId()::equals).isPresent()) {
      return CompletableFuture.failedFuture(new EnrollmentRefused("foreign_certificate",
          "the certificate was not issued by this fleet CA to device " + csr.deviceId() + ": enroll with a token instead"));
    }
    if (current.getNotAfter().toInstant().isBefore(now)) {
      return CompletableFuture.failedFuture(new EnrollmentRefused("certificate_expired", "the certificate expired at "
          + current.getNotAfter().toInstant() + ": enroll again with a token"));
    }
    String key = encode(csr.publicKey());
    if (!encode(current.getPublicKey()).equals(key)) {
      return CompletableFuture.failedFuture(new EnrollmentRefused("key_mismatch",
          "the request's key is not the certificate's: renew with the key the device enrolled with"));
    }
    return db.execute(tx -> {
      IdentityStore store = stores.apply(tx);
      DeviceIdentity i = store.identity(csr.deviceId()).orElseThrow(() -> new EnrollmentRefused("unknown_device",
          "device " + csr.deviceId() + " has no identity on this server: enroll it with a token"));
      if (i.state() != IdentityState.ACCEPTED || !i.publicKey().equals(key)) {
        throw new EnrollmentRefused("device_" + i.state().name().toLowerCase(java.util.Locale.ROOT),
            "device " + i.deviceId() + " is " + i.state().name().toLowerCase(java.util.Locale.ROOT)
                + " or enrolled with another key: it cannot renew");
      }
      return issue(tx, store, i, csr.publicKey(), clock.instant());
    });
  }

  private Enrollment issue(Transaction tx, IdentityStore store, DeviceIdentity i, PublicKey key, Instant now) {
    X509Certificate cert = ca.issueDevice(i.deviceId(), key, certificateValidity);
    DeviceIdentity updated = new DeviceIdentity(i.deviceId(), IdentityState.ACCEPTED, i.publicKey(),
        cert.getSerialNumber().toString(16), cert.getNotAfter().toInstant(), now);
    store.save(updated);
    tx.afterCommit(() -> admitted.put(updated.deviceId(), updated));
    LOG.debug("event=device_certificate_issued device={} serial={} not_after={}", i.deviceId(), updated.serial(),
        updated.notAfter());
    return new Enrollment(i.deviceId(), IdentityState.ACCEPTED, Pem.of(cert), caPem, updated.notAfter());
  }

  /** Accepts a device waiting for an operator: its next enrollment request gets its certificate. */
  public CompletableFuture<DeviceIdentity> accept(String deviceId) {
    return change(deviceId, IdentityState.ACCEPTED);
  }

  /** Revokes a device for good; it is disconnected from the broker and cannot log in, enroll or renew again. */
  public CompletableFuture<DeviceIdentity> revoke(String deviceId) {
    return change(deviceId, IdentityState.REVOKED).thenApply(i -> {
      LOG.info("event=device_revoked device={}", deviceId);
      revokeListeners.forEach(l -> l.accept(deviceId));
      return i;
    });
  }

  private CompletableFuture<DeviceIdentity> change(String deviceId, IdentityState to) {
    if (!Topics.isValidDeviceId(deviceId)) {
      return CompletableFuture.failedFuture(FleetException.invalid("bad_device_id", "'" + deviceId + "' is not a device id"));
    }
    return db.execute(tx -> {
      IdentityStore store = stores.apply(tx);
      Instant now = clock.instant();
      Optional<DeviceIdentity> known = store.identity(deviceId);
      DeviceIdentity updated;
      if (known.isEmpty()) {
        if (to != IdentityState.REVOKED) {
          throw FleetException.notFound("no_identity", "device " + deviceId + " has not enrolled");
        }
        updated = new DeviceIdentity(deviceId, IdentityState.REVOKED, "", null, null, now); // kept out before it ever enrolls
      } else if (known.get().state() == IdentityState.REVOKED && to != IdentityState.REVOKED) {
        throw FleetException.conflict("device_revoked", "device " + deviceId + " is revoked for good");
      } else {
        updated = known.get().with(to, now);
      }
      store.save(updated);
      tx.afterCommit(() -> admitted.put(deviceId, updated));
      return updated;
    });
  }

  public CompletableFuture<Page<DeviceIdentity>> list(IdentityState state, String afterId, int limit) {
    return db.read(tx -> Page.of(stores.apply(tx).list(state, afterId, limit + 1), limit, DeviceIdentity::deviceId));
  }

  /** Whether the broker lets {@code deviceId} in with a certificate for {@code key}: enrolled with it, accepted, not revoked. */
  public boolean admits(String deviceId, PublicKey key) {
    DeviceIdentity i = admitted.get(deviceId);
    return i != null && i.state() == IdentityState.ACCEPTED && i.publicKey().equals(encode(key));
  }

  /** Whether the device was revoked (the broker refuses it on any listener). */
  public boolean revoked(String deviceId) {
    DeviceIdentity i = admitted.get(deviceId);
    return i != null && i.state() == IdentityState.REVOKED;
  }

  private static String encode(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
