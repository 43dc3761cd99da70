package org.edgefleet.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.StoreTest;
import org.edgefleet.server.support.MutableClock;

/** Two instances, each with its own connection pool, compete for one lease in a real database. */
class LeaseTest {

  private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

  @StoreTest
  void oneHolderAtATimeAndTheOtherTakesOverOnlyAfterExpiry(DatabaseConfig config) {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    try (Database one = Database.open(config); Database two = Database.open(config)) {
      Lease a = new Lease(one, "periodic-work", "a", TEN_SECONDS, clock);
      Lease b = new Lease(two, "periodic-work", "b", TEN_SECONDS, clock);

      assertThat(a.renew().join()).isTrue();
      assertThat(b.renew().join()).isFalse();
      assertThat(a.held()).isTrue();
      assertThat(b.held()).isFalse();
      long first = a.epoch();

      clock.advance(Duration.ofSeconds(5));
      assertThat(a.renew().join()).as("renewal by the holder keeps the epoch").isTrue();
      assertThat(a.epoch()).isEqualTo(first);
      clock.advance(Duration.ofSeconds(9));
      assertThat(b.renew().join()).as("renewed 9 s ago: not expired yet").isFalse();

      clock.advance(Duration.ofSeconds(2));
      assertThat(a.held()).as("the holder stops acting before its expiry").isFalse();
      assertThat(b.renew().join()).as("expired: taken over").isTrue();
      assertThat(b.epoch()).isGreaterThan(first);
      assertThat(a.renew().join()).isFalse();
    }
  }

  @StoreTest
  void aStalledHolderIsFencedOffAfterATakeover(DatabaseConfig config) {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    MutableClock stalled = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    try (Database one = Database.open(config); Database two = Database.open(config)) {
      Lease a = new Lease(one, "periodic-work", "a", TEN_SECONDS, stalled);
      Lease b = new Lease(two, "periodic-work", "b", TEN_SECONDS, clock);
      assertThat(a.renew().join()).isTrue();
      one.execute(tx -> {
        a.checkHeld(tx);
        return null;
      }).join();

      clock.advance(Duration.ofSeconds(11));
      assertThat(b.renew().join()).isTrue();

      // The stalled holder's clock says its lease is still good; the database says otherwise.
      assertThatThrownBy(() -> one.execute(tx -> {
        a.checkHeld(tx);
        return null;
      }).join()).isInstanceOf(CompletionException.class).hasCauseInstanceOf(LeaseLost.class)
          .hasMessageContaining("periodic-work").hasMessageContaining("epoch 1");
      assertThat(a.held()).isFalse();
      two.execute(tx -> {
        b.checkHeld(tx);
        return null;
      }).join();
    }
  }

  @StoreTest
  void aReleasedLeaseIsTakenAtOnceWithANewEpoch(DatabaseConfig config) {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    try (Database one = Database.open(config); Database two = Database.open(config)) {
      Lease a = new Lease(one, "periodic-work", "a", TEN_SECONDS, clock);
      Lease b = new Lease(two, "periodic-work", "b", TEN_SECONDS, clock);
      assertThat(a.renew().join()).isTrue();
      a.release().join();
      assertThat(a.held()).isFalse();
      assertThat(b.renew().join()).isTrue();
      assertThat(b.epoch()).isEqualTo(2);
      assertThatThrownBy(() -> one.execute(tx -> {
        a.checkHeld(tx);
        return null;
      }).join()).hasCauseInstanceOf(LeaseLost.class);
    }
  }

  /** Many instances racing for a free lease at the same moment: exactly one wins. */
  @StoreTest
  void racingInstancesElectExactlyOne(DatabaseConfig config) {
    MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    try (Database one = Database.open(config); Database two = Database.open(config)) {
      List<CompletableFuture<Boolean>> tries = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        tries.add(new Lease(i % 2 == 0 ? one : two, "periodic-work", "instance-" + i, TEN_SECONDS, clock).renew());
      }
      assertThat(tries.stream().map(CompletableFuture::join).filter(won -> won).count()).isEqualTo(1);
    }
  }

  @StoreTest
  void aLeaseShorterThanASecondIsRefused(DatabaseConfig config) {
    try (Database db = Database.open(config)) {
      assertThatThrownBy(() -> new Lease(db, "periodic-work", "a", Duration.ofMillis(500), new MutableClock(Instant.EPOCH)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1 s");
    }
  }
}
