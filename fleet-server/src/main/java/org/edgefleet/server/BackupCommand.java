package org.edgefleet.server;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleet-server backup}: an online copy of a server's SQLite database. {@code VACUUM INTO}
 * reads one snapshot while the server goes on writing (WAL readers never block the writer) and
 * writes a compact file, which is then checked ({@code PRAGMA integrity_check}). PostgreSQL has
 * its own tool, pg_dump.
 */
@Command(name = "backup", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Writes a consistent copy of the server's SQLite database (data-dir/fleet.db) to a new file while the "
        + "server runs, and checks it. For PostgreSQL use pg_dump; back up the data directory's other files too "
        + "(see docs/monitoring.md).")
final class BackupCommand implements Callable<Integer> {

  @Option(names = "--data-dir", defaultValue = "fleet-data", paramLabel = "<path>",
      description = "Data directory of the server whose database (data-dir/fleet.db) is backed up. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--to", required = true, paramLabel = "<file>", description = "The backup file to write; it must not exist.")
  Path to;

  private final PrintWriter out;
  private final PrintWriter err;

  BackupCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    Path db = dataDir.resolve("fleet.db");
    if (!Files.isRegularFile(db)) {
      err.println("backup: there is no database at " + db + ": name the server's --data-dir (for PostgreSQL, use pg_dump)");
      return 2;
    }
    if (Files.exists(to)) {
      err.println("backup: " + to + " exists already: name a new file (a backup never overwrites one)");
      return 2;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
      vacuum.setString(1, to.toAbsolutePath().toString());
      vacuum.execute();
    } catch (SQLException e) {
      err.println("backup: cannot copy " + db + " to " + to + ": " + e.getMessage());
      return 1;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + to.toAbsolutePath());
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      String verdict = rs.next() ? rs.getString(1) : "no answer";
      if (!"ok".equals(verdict)) {
        err.println("backup: the copy at " + to + " fails its integrity check: " + verdict);
        return 1;
      }
      out.println("backed up " + db + " to " + to + " (" + Files.size(to) + " bytes, integrity ok)");
      return 0;
    } catch (SQLException | java.io.IOException e) {
      err.println("backup: cannot check the copy at " + to + ": " + e.getMessage());
      return 1;
    }
  }
}
