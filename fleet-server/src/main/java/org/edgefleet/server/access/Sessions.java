package org.edgefleet.server.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Transaction;

/**
 * Dashboard sessions, in the database: a session outlives a restart and works on every instance
 * of a group, and logging out ends it on all of them at once. Only the SHA-256 of the cookie's
 * random id is stored, so a copy of the database logs nobody in. A session lasts {@code duration}
 * from its login and never longer than its token; the CSRF token is a hash of the id too, so no
 * second secret needs storing and a page gets the same one after a reload.
 */
public final class Sessions {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{43}");
  private static final String CSRF_PREFIX = "csrf:";

  private final Database db;
  private final Function<Transaction, TokenStore> stores;
  private final Duration duration;
  private final int max;
  private final Clock clock;

  /**
   * @param max how many sessions the database keeps at most: at a login beyond it the oldest end,
   *     so someone logging in over and over cannot grow the table
   */
  public Sessions(Database db, Function<Transaction, TokenStore> stores, Duration duration, int max, Clock clock) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("session duration must be positive, was " + duration);
    }
    this.db = db;
    this.stores = stores;
    this.duration = duration;
    this.max = max;
    this.clock = clock;
  }

  public CompletableFuture<Session> open(ApiToken token) {
    // At the database's precision, so what the login answers is what a later request reads.
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    Instant limit = now.plus(duration);
    Instant expires = token.expiresAt() != null && token.expiresAt().isBefore(limit) ? token.expiresAt() : limit;
    String id = random();
    return db.execute(tx -> {
      TokenStore store = stores.apply(tx);
      store.trimSessions(now, max - 1);
      store.insertSession(TokenSecrets.hash(id), token.id(), now, expires);
      return new Session(id, token.id(), csrf(id), expires);
    });
  }

  /** The live session of that cookie value, if there is one (a value of the wrong form is never looked up). */
  public CompletableFuture<Optional<Session>> find(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Instant now = clock.instant();
    return db.read(tx -> stores.apply(tx).session(TokenSecrets.hash(id))).thenApply(found -> found
        .filter(s -> now.isBefore(s.expiresAt())).map(s -> new Session(id, s.tokenId(), csrf(id), s.expiresAt())));
  }

  /** How long the session has left, for the cookie's Max-Age (at least a second). */
  public Duration left(Session s) {
    Duration d = Duration.between(clock.instant(), s.expiresAt());
    return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
  }

  public CompletableFuture<Void> close(String id) {
    return db.execute(tx -> {
      stores.apply(tx).deleteSession(TokenSecrets.hash(id));
      return null;
    });
  }

  /** Whether the header's value is the session's CSRF token, compared in constant time. */
  public static boolean csrfMatches(Session s, String header) {
    return header != null && MessageDigest.isEqual(s.csrfToken().getBytes(StandardCharsets.UTF_8),
        header.getBytes(StandardCharsets.UTF_8));
  }

  private static String csrf(String id) {
    return TokenSecrets.hash(CSRF_PREFIX + id);
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
