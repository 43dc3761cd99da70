package org.edgefleet.server.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Transaction;

/**
 * A named lease in the database ({@code leases}: holder, epoch, expiry) that lets one server
 * instance at a time do a piece of work. {@link #renew} takes a lease that is free or expired and
 * extends one this instance holds; the epoch grows at every change of holder. An instance that
 * stops renewing (crashed, paused, cut off from the database) loses the lease when it expires, and
 * another takes it over.
 *
 * <p>Holding is judged by this instance's clock against the expiry it wrote, with a margin, so an
 * instance stops acting before another can take over; the clocks of the instances must agree to
 * well within that margin (NTP). Writes that must not happen twice are fenced by
 * {@link #checkHeld}, which locks the lease row in the writer's transaction: a takeover then waits
 * for that transaction, or the write fails with {@link LeaseLost} and rolls back.
 */
public final class Lease {

  private record Held(long epoch, Instant until) {}

  private final Database db;
  private final String name;
  private final String holder;
  private final Duration duration;
  private final Duration margin;
  private final Clock clock;
  private volatile Held held;

  /**
   * @param holder this instance's name, unique among instances and new at every start
   * @param duration how long a renewal holds the lease; renew at least three times within it
   */
  public Lease(Database db, String name, String holder, Duration duration, Clock clock) {
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("a lease must last at least 1 s, was " + duration);
    }
    this.db = db;
    this.name = name;
    this.holder = holder;
    this.duration = duration;
    this.margin = duration.dividedBy(5);
    this.clock = clock;
  }

  public String name() {
    return name;
  }

  public String holder() {
    return holder;
  }

  public Duration duration() {
    return duration;
  }

  /** Takes or extends the lease; completes with whether this instance holds it now. */
  public CompletableFuture<Boolean> renew() {
    Instant now = clock.instant();
    Instant until = now.plus(duration);
    return db.execute(tx -> {
      int inserted = tx.update("INSERT INTO leases (name, holder, epoch, expires_at) VALUES (?, ?, 1, ?) ON CONFLICT (name) DO NOTHING",
          name, holder, until.toEpochMilli());
      if (inserted == 0) {
        // The epoch stays while the holder stays, even past its expiry: nobody else wrote in between.
        tx.update("UPDATE leases SET epoch = CASE WHEN holder = ? THEN epoch ELSE epoch + 1 END, holder = ?, expires_at = ? "
            + "WHERE name = ? AND (holder = ? OR expires_at < ?)", holder, holder, until.toEpochMilli(), name, holder,
            now.toEpochMilli());
      }
      return tx.first("SELECT epoch FROM leases WHERE name = ? AND holder = ?", rs -> rs.getLong(1), name, holder).orElse(-1L);
    }).handle((epoch, e) -> {
      if (e != null || epoch < 0) {
        held = null;
        return false;
      }
      held = new Held(epoch, until.minus(margin));
      return true;
    });
  }

  /** Whether this instance holds the lease, with time to spare before it could expire. */
  public boolean held() {
    Held h = held;
    return h != null && clock.instant().isBefore(h.until());
  }

  /** The epoch this instance holds, or -1. */
  public long epoch() {
    Held h = held;
    return h == null ? -1 : h.epoch();
  }

  /**
   * Fencing: locks the lease row in the caller's transaction and checks this instance still holds
   * it, at the epoch it took, unexpired. Call it before the writes of work the lease guards.
   *
   * @throws LeaseLost when another instance holds it now, or it expired
   */
  public void checkHeld(Transaction tx) {
    long mine = epoch();
    long now = clock.instant().toEpochMilli();
    boolean ok = mine >= 0 && tx.first("SELECT epoch, holder, expires_at FROM leases WHERE name = ?" + tx.dialect().forUpdate(),
        rs -> rs.getLong(1) == mine && holder.equals(rs.getString(2)) && rs.getLong(3) > now, name).orElse(false);
    if (!ok) {
      held = null;
      throw new LeaseLost("lease " + name + " is no longer held by " + holder + " (epoch " + mine + ")");
    }
  }

  /** Gives the lease up, so another instance takes over at once instead of after its expiry. */
  public CompletableFuture<Void> release() {
    held = null;
    return db.execute(tx -> {
      tx.update("UPDATE leases SET expires_at = 0 WHERE name = ? AND holder = ?", name, holder);
      return null;
    });
  }
}
