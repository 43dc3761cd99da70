package org.edgefleet.server.access;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** API tokens. Opened on one transaction, used inside it only. */
public interface TokenStore {

  void insert(ApiToken token);

  /** Every token, revoked and expired ones too, by id. */
  List<ApiToken> all();

  /** Marks the token revoked at {@code at}; false when there is none of that id or it was revoked already. */
  boolean revoke(String id, Instant at);

  /**
   * Takes the database's one bootstrap row for the token when no token is stored yet; false when a
   * token exists or another instance took the row first (its insert waits for that one's commit).
   */
  boolean claimBootstrap(String tokenId, String tokenFile, Instant at);

  /** Who took the bootstrap row, if anyone did. */
  Optional<AdminBootstrap.Claim> bootstrap();

  /** A stored dashboard session: the token it was made with, and its end. */
  record StoredSession(String tokenId, Instant expiresAt) {}

  void insertSession(String idHash, String tokenId, Instant createdAt, Instant expiresAt);

  Optional<StoredSession> session(String idHash);

  void deleteSession(String idHash);

  /** Deletes the sessions that ended by {@code now}, then the ones ending first until at most {@code keep} are left. */
  void trimSessions(Instant now, int keep);
}
