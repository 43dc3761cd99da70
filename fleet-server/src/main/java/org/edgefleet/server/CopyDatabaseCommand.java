package org.edgefleet.server;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.DatabaseCopy;
import org.edgefleet.server.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code fleet-server copy-database}: copies a server's database into an empty one, with the same
 * flags the server will then start with, so moving from SQLite to PostgreSQL is: stop the server,
 * copy, start it with {@code --database-url}.
 */
@Command(name = "copy-database", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Copies every row of a fleet server database (by default the SQLite file in --data-dir) into an empty one "
        + "named by --database-url, in one transaction, and checks that every table holds as many rows on both sides. "
        + "Stop the server first.")
final class CopyDatabaseCommand implements Callable<Integer> {

  @Option(names = "--data-dir", defaultValue = "fleet-data", paramLabel = "<path>",
      description = "Data directory of the server whose SQLite database (data-dir/fleet.db) is copied. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--from-url", paramLabel = "<url>", description = "JDBC URL of the database to copy instead of data-dir/fleet.db.")
  String fromUrl;

  @Option(names = "--database-url", required = true, paramLabel = "<url>",
      description = "JDBC URL of the empty target database, e.g. jdbc:postgresql://db:5432/fleet.")
  String toUrl;

  @Option(names = "--database-username", paramLabel = "<string>", description = "User name for the target database.")
  String username;

  @Option(names = "--database-password", paramLabel = "<string>", defaultValue = "${env:" + Main.DATABASE_PASSWORD_ENV + "}",
      description = "Password for the target database; also read from " + Main.DATABASE_PASSWORD_ENV + ".")
  String password;

  private final PrintWriter out;
  private final PrintWriter err;

  CopyDatabaseCommand(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    DatabaseConfig from;
    DatabaseConfig to;
    try {
      from = fromUrl == null ? DatabaseConfig.sqlite(dataDir.resolve("fleet.db"))
          : new DatabaseConfig(fromUrl, null, null, DatabaseConfig.DEFAULT_POOL_SIZE);
      to = new DatabaseConfig(toUrl, username, password, DatabaseConfig.DEFAULT_POOL_SIZE);
    } catch (IllegalArgumentException e) {
      err.println("copy-database: --" + e.getMessage());
      return 2;
    }
    if (fromUrl == null && !dataDir.resolve("fleet.db").toFile().isFile()) {
      err.println("copy-database: there is no database at " + dataDir.resolve("fleet.db") + ": name the server's --data-dir");
      return 2;
    }
    out.println("copying " + from.safeUrl() + " into " + to.safeUrl());
    try {
      Map<String, Long> counts = DatabaseCopy.copy(from, to, line -> out.println("  " + line));
      out.println("copied " + counts.values().stream().mapToLong(Long::longValue).sum() + " rows in " + counts.size()
          + " tables; the counts match on both sides");
      return 0;
    } catch (StoreException e) {
      err.println("copy-database: " + e.getMessage());
      return 1;
    }
  }
}
