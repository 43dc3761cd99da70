package org.edgefleet.server.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Page;
import org.edgefleet.server.store.Transaction;

/**
 * API tokens: issued by admins (the secret shown once), listed without secrets, revoked. Every
 * request is checked against a copy in memory, so authentication never waits for the database;
 * the copy is replaced after each change and on {@link #refresh} (other instances' changes).
 */
public final class TokenService {

  /** A new token and its secret, which the server never shows again. */
  public record IssuedToken(ApiToken token, String secret) {}

  /** A known token and whether it works now. */
  public record Authentication(ApiToken token, TokenState state) {}

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");
  private static final SecureRandom RANDOM = new SecureRandom();
  static final Duration MAX_VALIDITY = Duration.ofDays(3650);

  private final Database db;
  private final Function<Transaction, TokenStore> stores;
  private final Clock clock;
  private volatile List<ApiToken> known = List.of();

  public TokenService(Database db, Function<Transaction, TokenStore> stores, Clock clock) {
    this.db = db;
    this.stores = stores;
    this.clock = clock;
  }

  public CompletableFuture<Void> load() {
    return refresh();
  }

  /** Reads every token again: revocations and tokens of other instances on the same database. */
  public CompletableFuture<Void> refresh() {
    return db.read(tx -> stores.apply(tx).all()).thenAccept(all -> known = List.copyOf(all));
  }

  /** Whether any token was ever issued (revoked ones count: then the bootstrap does not come back). */
  public boolean anyIssued() {
    return !known.isEmpty();
  }

  /**
   * Issues a token.
   *
   * @param validFor how long it works, or null for until revoked
   */
  public CompletableFuture<IssuedToken> create(String name, Role role, Duration validFor) {
    try {
      checkName(name);
      if (validFor != null && (validFor.isNegative() || validFor.isZero() || validFor.compareTo(MAX_VALIDITY) > 0)) {
        throw FleetException.invalid("bad_validity", "validForSeconds must be from 1 to " + MAX_VALIDITY.toSeconds() + ", was "
            + validFor.toSeconds());
      }
      String secret = TokenSecrets.generate();
      return insert(name, role, secret, validFor).thenApply(t -> new IssuedToken(t, secret));
    } catch (FleetException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Stores a token whose secret was made elsewhere (the bootstrap file); never shown by the API. */
  CompletableFuture<ApiToken> insert(String name, Role role, String secret, Duration validFor) {
    ApiToken t = newToken(name, role, secret, validFor);
    return db.execute(tx -> {
      stores.apply(tx).insert(t);
      return t;
    }).thenCompose(v -> refresh()).thenApply(v -> t);
  }

  /**
   * Stores the first admin token with this secret when no token is stored and no other instance
   * claimed the bootstrap first, both decided in one transaction; {@code beforeCommit} runs inside
   * it (writing the secret to its file), so when it fails nothing is stored. Completes with the
   * claim that holds afterwards, this instance's or the one that came first (empty only on a
   * database whose tokens predate the bootstrap row).
   */
  CompletableFuture<Optional<AdminBootstrap.Claim>> bootstrap(String name, String secret, String tokenFile, Runnable beforeCommit) {
    ApiToken t = newToken(name, Role.ADMIN, secret, null);
    return db.execute(tx -> {
      TokenStore store = stores.apply(tx);
      if (store.claimBootstrap(t.id(), tokenFile, t.createdAt())) {
        store.insert(t);
        beforeCommit.run();
      }
      return store.bootstrap();
    }).thenCompose(claim -> refresh().thenApply(v -> claim));
  }

  private ApiToken newToken(String name, Role role, String secret, Duration validFor) {
    Instant now = clock.instant();
    byte[] id = new byte[6];
    RANDOM.nextBytes(id);
    return new ApiToken("tok-" + HexFormat.of().formatHex(id), name, role, TokenSecrets.hash(secret), now,
        validFor == null ? null : now.plus(validFor), null);
  }

  public CompletableFuture<Page<ApiToken>> list(String afterId, int limit) {
    return db.read(tx -> stores.apply(tx).all()).thenApply(all -> Page.of(all.stream()
        .filter(t -> afterId == null || t.id().compareTo(afterId) > 0).limit(limit + 1L).toList(), limit, ApiToken::id));
  }

  /** Revokes the token; requests with it are refused from now on, its sessions end. */
  public CompletableFuture<ApiToken> revoke(String id) {
    Instant now = clock.instant();
    return db.execute(tx -> {
      TokenStore store = stores.apply(tx);
      ApiToken t = store.all().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow(() -> FleetException.notFound(
          "token_not_found", "no API token '" + id + "': see GET /api/v1/tokens"));
      if (!store.revoke(id, now)) {
        throw FleetException.conflict("token_revoked", "API token '" + id + "' was revoked already");
      }
      return t.revoked(now);
    }).thenCompose(t -> refresh().thenApply(v -> t));
  }

  /** The token the secret belongs to, if any; every known hash is compared, in constant time each. */
  public Optional<Authentication> authenticate(String secret) {
    if (!TokenSecrets.wellFormed(secret)) {
      return Optional.empty();
    }
    String hash = TokenSecrets.hash(secret);
    ApiToken match = null;
    for (ApiToken t : known) {
      if (TokenSecrets.sameHash(hash, t.hash())) {
        match = t;
      }
    }
    return Optional.ofNullable(match).map(t -> new Authentication(t, t.state(clock.instant())));
  }

  /** The token of a session, as it is now (revoked or expired since the login, or gone). */
  public Optional<Authentication> byId(String id) {
    return known.stream().filter(t -> t.id().equals(id)).findFirst().map(t -> new Authentication(t, t.state(clock.instant())));
  }

  /** Whether a token with this secret is stored (whatever its state). */
  boolean knows(String secret) {
    return authenticate(secret).isPresent();
  }

  private static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw FleetException.invalid("bad_token_name", "token name '" + name + "' must be 1 to 63 letters, digits, '.', '_' or '-',"
          + " starting and ending with a letter or digit");
    }
  }
}
