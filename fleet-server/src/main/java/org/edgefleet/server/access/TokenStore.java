package org.edgefleet.server.access;

import java.time.Instant;
import java.util.List;

/** API tokens. Opened on one transaction, used inside it only. */
public interface TokenStore {

  void insert(ApiToken token);

  /** Every token, revoked and expired ones too, by id. */
  List<ApiToken> all();

  /** Marks the token revoked at {@code at}; false when there is none of that id or it was revoked already. */
  boolean revoke(String id, Instant at);
}
