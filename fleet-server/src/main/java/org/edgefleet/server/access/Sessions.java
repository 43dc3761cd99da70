package org.edgefleet.server.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dashboard sessions, in this server's memory: a restart logs everyone out, and behind a load
 * balancer over several instances a session works on the instance that created it only. A session
 * lasts {@code duration} from its login and never longer than its token.
 */
public final class Sessions {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, Session> byId = new ConcurrentHashMap<>();
  private final Duration duration;
  private final int max;
  private final Clock clock;

  public Sessions(Duration duration, int max, Clock clock) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("session duration must be positive, was " + duration);
    }
    this.duration = duration;
    this.max = max;
    this.clock = clock;
  }

  public Session open(ApiToken token) {
    Instant now = clock.instant();
    byId.values().removeIf(s -> !now.isBefore(s.expiresAt()));
    while (byId.size() >= max) {
      // The oldest login goes first: someone logging in over and over cannot grow the map.
      byId.values().stream().min(Comparator.comparing(Session::expiresAt)).ifPresent(s -> byId.remove(s.id()));
    }
    Instant expires = now.plus(duration);
    if (token.expiresAt() != null && token.expiresAt().isBefore(expires)) {
      expires = token.expiresAt();
    }
    Session s = new Session(random(), token.id(), random(), expires);
    byId.put(s.id(), s);
    return s;
  }

  /** The live session of that id; an expired one is forgotten. */
  public Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session s = byId.get(id);
    if (s == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(s.expiresAt())) {
      byId.remove(id);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** How long the session has left, for the cookie's Max-Age (at least a second). */
  public Duration left(Session s) {
    Duration d = Duration.between(clock.instant(), s.expiresAt());
    return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
  }

  public void close(String id) {
    byId.remove(id);
  }

  /** Whether the header's value is the session's CSRF token, compared in constant time. */
  public static boolean csrfMatches(Session s, String header) {
    return header != null && MessageDigest.isEqual(s.csrfToken().getBytes(StandardCharsets.UTF_8),
        header.getBytes(StandardCharsets.UTF_8));
  }

  private static String random() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
