package org.edgefleet.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.LegacyFixture;
import org.edgefleet.server.store.PostgresCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(PostgresCluster.class)
class CopyDatabaseCommandTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void copiesADataDirectoryIntoTheDatabaseTheServerWillUse() throws IOException {
    Path dataDir = Files.createDirectories(dir.resolve("fleet-data"));
    LegacyFixture.copyTo(dataDir.resolve("fleet.db"));
    DatabaseConfig to = PostgresCluster.newDatabase();

    int code = run("copy-database", "--data-dir", dataDir.toString(), "--database-url", to.url(), "--database-username",
        to.username());

    assertThat(err.toString()).isEmpty();
    assertThat(code).isZero();
    assertThat(out.toString()).contains("devices: 3 rows", "copied 31 rows in 29 tables; the counts match on both sides");
  }

  @Test
  void aTargetThatIsNotADatabaseUrlIsRefusedByName() {
    int code = run("copy-database", "--data-dir", dir.toString(), "--database-url", "jdbc:mysql://db/fleet");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--database-url must start with jdbc:sqlite: or jdbc:postgresql:");
  }

  @Test
  void aDataDirectoryWithoutADatabaseSaysSo() {
    int code = run("copy-database", "--data-dir", dir.resolve("none").toString(), "--database-url",
        "jdbc:postgresql://127.0.0.1:1/fleet");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("there is no database at").contains("--data-dir");
  }

  @Test
  void anUnreachableTargetFailsWithItsUrlAndNoPassword() throws IOException {
    LegacyFixture.copyTo(dir.resolve("fleet.db"));

    int code = run("copy-database", "--data-dir", dir.toString(), "--database-url",
        "jdbc:postgresql://127.0.0.1:1/fleet?password=hunter2");

    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("127.0.0.1:1/fleet").doesNotContain("hunter2");
  }

  private int run(String... args) {
    return Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }
}
