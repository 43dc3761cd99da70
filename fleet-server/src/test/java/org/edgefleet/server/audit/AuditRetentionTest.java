package org.edgefleet.server.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.support.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log keeps what is younger than its retention and nothing older. */
class AuditRetentionTest {

  @TempDir Path dir;

  @Test
  void entriesOlderThanTheRetentionAreDeletedAndYoungerOnesKept() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (Database db = Database.open(DatabaseConfig.sqlite(dir.resolve("fleet.db")))) {
      AuditService audit = new AuditService(db, SqlAuditStore::new, clock);
      audit.record(entry(clock.instant(), "token:old")).join();
      clock.advance(Duration.ofDays(60));
      audit.record(entry(clock.instant(), "token:new")).join();
      clock.advance(Duration.ofDays(31));
      assertThat(audit.purge(Duration.ofDays(90)).join()).isEqualTo(1);
      assertThat(audit.list(new AuditFilter(null, null, null, null), 10).join().items()).extracting(AuditEntry::actor)
          .containsExactly("token:new");
    }
  }

  private static AuditEntry entry(Instant at, String actor) {
    return new AuditEntry(0, at, actor, null, "admin", "POST", "POST /api/v1/tokens", "", 201, null);
  }
}
