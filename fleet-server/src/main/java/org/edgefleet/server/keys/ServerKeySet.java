package org.edgefleet.server.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.KeySetException;
import org.edgefleet.protocol.trust.KeySetFiles;
import org.edgefleet.protocol.trust.PublicKey;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.TrustedKeySet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's key set as the server holds it: the newest key set it has verified, kept in
 * {@code data-dir/keys/keyset.json}. The first key set configured ({@code --key-set}) is trusted
 * as given (it must carry its own root's threshold of signatures); a later, newer file must pass
 * the root update rule against the kept one, as on a device, or the server does not start.
 */
public final class ServerKeySet {

  static final String FILE_NAME = "keyset.json";
  /** How far ahead an expiry is announced in the log: the root key holders need time to meet and sign. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);
  private static final Logger LOG = LoggerFactory.getLogger(ServerKeySet.class);

  private ServerKeySet() {}

  /**
   * The key set to serve, or empty when none is configured or kept (trust from key files only).
   *
   * @throws IOException naming the file and what to do, when the key set cannot be trusted or
   *     does not list {@code serverKey} as a server key
   */
  public static Optional<TrustedKeySet> load(Path configured, Path dataDir, PublicKey serverKey, Instant now)
      throws IOException {
    Path kept = Files.createDirectories(dataDir.resolve("keys")).resolve(FILE_NAME);
    TrustedKeySet trusted = null;
    try {
      if (Files.exists(kept)) {
        trusted = TrustedKeySet.bootstrap(KeySetFiles.read(kept));
      }
      if (configured != null) {
        SignedKeySet offered = KeySetFiles.read(configured);
        TrustedKeySet next = trusted == null ? TrustedKeySet.bootstrap(offered) : advance(trusted, offered, configured, now);
        if (next != trusted) {
          KeySetFiles.write(kept, next.signed());
          LOG.info("event=keyset_updated file={} from={} to={}", configured, trusted == null ? 0 : trusted.version(),
              next.version());
        }
        trusted = next;
      }
    } catch (KeySetException e) {
      throw new IOException("the key set cannot be trusted (" + e.reason() + "): " + e.getMessage(), e);
    }
    if (trusted == null) {
      return Optional.empty();
    }
    checkListsServerKey(trusted, serverKey);
    Instant expiresAt = trusted.keySet().expiresAt();
    if (trusted.isExpired(now)) {
      LOG.error("event=keyset_expired version={} expired_at={} effect=\"devices act on no desired state until a newer key set"
          + " signed by the root keys is configured with --key-set\"", trusted.version(), expiresAt);
    } else if (expiresAt.isBefore(now.plus(EXPIRY_WARNING))) {
      LOG.warn("event=keyset_expiring version={} expires_at={} action=\"sign a new key set (model-packager keyset)\"",
          trusted.version(), expiresAt);
    }
    return Optional.of(trusted);
  }

  private static TrustedKeySet advance(TrustedKeySet trusted, SignedKeySet offered, Path file, Instant now)
      throws KeySetException {
    KeySetException refusal;
    try {
      return trusted.update(offered, now);
    } catch (KeySetException e) {
      refusal = e;
    }
    if (refusal.reason() == KeySetException.Reason.VERSION_NOT_NEWER) {
      LOG.warn("event=keyset_file_older file={} version={} kept={} action=\"serving the kept key set\"", file,
          offered.keySet().version(), trusted.version());
      return trusted;
    }
    throw new KeySetException(refusal.reason(), file + ": " + refusal.getMessage() + " (the server keeps key set v"
        + trusted.version() + " in data-dir/keys/" + FILE_NAME + ")", refusal);
  }

  private static void checkListsServerKey(TrustedKeySet trusted, PublicKey serverKey) throws IOException {
    boolean listed = trusted.keySet().ofRole(KeyRole.SERVER).contains(serverKey)
        && !trusted.trustStore().isRevoked(serverKey.keyId());
    if (!listed) {
      throw new IOException("key set v" + trusted.version() + " does not list this server's key " + serverKey.keyId()
          + " as a server key, so devices would refuse every desired state: add data-dir/keys/server-key.pub.json to a new"
          + " key set (model-packager keyset create --key ...) and sign it with the root keys");
    }
  }
}
