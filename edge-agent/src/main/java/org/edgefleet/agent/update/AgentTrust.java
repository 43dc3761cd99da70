package org.edgefleet.agent.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.edgefleet.protocol.trust.KeySetException;
import org.edgefleet.protocol.trust.KeySetFiles;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.protocol.trust.TrustedKeySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys the agent checks bundles and desired states with. Either fixed public key files (how
 * devices were set up before key sets), or a root key set: then the newest key set that passed
 * the root update rule is kept in {@code dataDir/keyset.json}, replaced atomically, and used after
 * a restart when it is newer than the one the configuration ships.
 *
 * <p>Not thread-safe: used on the agent loop.
 */
public final class AgentTrust {

  /** What an offered key set did. */
  public enum Offer { IGNORED, UNCHANGED, UPDATED }

  static final String FILE_NAME = "keyset.json";
  private static final Logger log = LoggerFactory.getLogger(AgentTrust.class);

  private final TrustStore fixed;
  private final Path file;
  private TrustedKeySet keySet;

  private AgentTrust(TrustStore fixed, Path file, TrustedKeySet keySet) {
    this.fixed = fixed;
    this.file = file;
    this.keySet = keySet;
  }

  public static AgentTrust fixed(TrustStore keys) {
    return new AgentTrust(keys, null, null);
  }

  /**
   * Trust rooted in {@code configured}, or in the key set persisted in {@code dataDir} when that
   * one is newer and still carries its own root's threshold of signatures.
   *
   * @throws KeySetException when the configured key set is not a valid, self-signed key set
   */
  public static AgentTrust rooted(SignedKeySet configured, Path dataDir) throws KeySetException {
    TrustedKeySet trusted = TrustedKeySet.bootstrap(configured);
    Path file = dataDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      try {
        TrustedKeySet persisted = TrustedKeySet.bootstrap(KeySetFiles.read(file));
        if (persisted.version() >= trusted.version()) {
          trusted = persisted;
        }
      } catch (IOException | KeySetException e) {
        log.warn("event=keyset_file_unusable file={} reason=\"{}\" using=configured version={}", file, e.getMessage(),
            trusted.version());
      }
    }
    return new AgentTrust(null, file, trusted);
  }

  public TrustStore current() {
    return keySet != null ? keySet.trustStore() : fixed;
  }

  /** Whether the trusted key set has expired: the agent then acts on no desired state until a newer one comes. */
  public boolean isExpired(Instant now) {
    return keySet != null && keySet.isExpired(now);
  }

  public long version() {
    return keySet == null ? 0 : keySet.version();
  }

  public Instant expiresAt() {
    return keySet == null ? null : keySet.keySet().expiresAt();
  }

  /**
   * Checks a key set that came with a desired state and, when it passes the root update rule,
   * trusts it from now on and persists it. Fixed trust ignores key sets: it has no root to check them with.
   *
   * @throws KeySetException with the rule it breaks; the trusted key set stays
   */
  public Offer offer(SignedKeySet candidate, Instant now) throws KeySetException {
    if (keySet == null) {
      return Offer.IGNORED;
    }
    TrustedKeySet next = keySet.update(candidate, now);
    if (next == keySet) {
      return Offer.UNCHANGED;
    }
    long from = keySet.version();
    keySet = next;
    try {
      KeySetFiles.write(file, next.signed());
    } catch (IOException e) {
      // Trusted in memory either way; the server sends it again with every desired state.
      log.error("event=keyset_save_failed file={} reason=\"{}\"", file, e.getMessage());
    }
    log.info("event=keyset_updated from={} to={} expires={}", from, next.version(), next.keySet().expiresAt());
    return Offer.UPDATED;
  }
}
