package org.edgefleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackupCommandTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** The database stays open and written to, as under a running server; the copy holds what was committed. */
  @Test
  void backsUpAnOpenDatabaseAndTheCopyOpensAsAServerDatabase() throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("fleet-data"));
    try (Database live = Database.open(DatabaseConfig.sqlite(dataDir.resolve("fleet.db")))) {
      long now = Instant.now().toEpochMilli();
      live.execute(tx -> tx.update("INSERT INTO cohorts (name, selector, created_at, updated_at) VALUES ('eu', 'region=eu', ?, ?)",
          now, now)).join();

      int code = run("backup", "--data-dir", dataDir.toString(), "--to", dir.resolve("copy.db").toString());
      live.execute(tx -> tx.update("INSERT INTO cohorts (name, selector, created_at, updated_at) VALUES ('us', 'region=us', ?, ?)",
          now, now)).join();

      assertThat(err.toString()).isEmpty();
      assertThat(code).isZero();
      assertThat(out.toString()).contains("integrity ok");
    }
    try (Database copy = Database.open(DatabaseConfig.sqlite(dir.resolve("copy.db")))) {
      assertThat(copy.read(tx -> tx.query("SELECT name FROM cohorts", rs -> rs.getString(1))).join()).containsExactly("eu");
    }
  }

  @Test
  void anExistingTargetIsNeverOverwritten() throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("fleet-data"));
    Database.open(DatabaseConfig.sqlite(dataDir.resolve("fleet.db"))).close();
    Path target = Files.writeString(dir.resolve("keep.db"), "precious");

    assertThat(run("backup", "--data-dir", dataDir.toString(), "--to", target.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("exists already");
    assertThat(Files.readString(target)).isEqualTo("precious");
  }

  @Test
  void aDataDirectoryWithoutADatabaseSaysSoAndPointsAtPgDump() {
    assertThat(run("backup", "--data-dir", dir.resolve("none").toString(), "--to", dir.resolve("x.db").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("there is no database at", "pg_dump");
    assertThat(run("backup", "--data-dir", dir.toString())).isEqualTo(2);
  }

  @Test
  void aTargetNameWithQuotesIsAFileNameNotSql() throws Exception {
    Path dataDir = Files.createDirectories(dir.resolve("fleet-data"));
    Database.open(DatabaseConfig.sqlite(dataDir.resolve("fleet.db"))).close();
    Path odd = dir.resolve("it's'; DROP TABLE cohorts; --.db");

    assertThat(run("backup", "--data-dir", dataDir.toString(), "--to", odd.toString())).as(err.toString()).isZero();
    assertThat(Files.isRegularFile(odd)).isTrue();
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }
}
