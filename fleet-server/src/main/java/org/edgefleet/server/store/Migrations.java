package org.edgefleet.server.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with Flyway: numbered scripts per dialect under
 * {@code db/migration/{sqlite,postgresql}}, version N meaning the same tables in both, recorded in
 * {@code flyway_schema_history}. A database that a newer server migrated is refused.
 *
 * <p>SQLite databases made before Flyway kept their version in {@code schema_version}, applied by
 * the same scripts; such a database is baselined at that version (its rows stay as they are), the
 * scripts above it run, and the old table goes.
 */
final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final String LEGACY_TABLE = "schema_version";
  /** The last version the scripts before Flyway knew; a legacy database above it came from elsewhere. */
  private static final int LAST_LEGACY_VERSION = 2;

  private Migrations() {}

  static void migrate(DatabaseConfig config) {
    Optional<Integer> legacy = config.dialect() == Dialect.SQLITE ? legacyVersion(config) : Optional.empty();
    var flyway = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(config.url(), config.username(), config.password())
        .locations(config.dialect().migrationLocation())
        .failOnMissingLocations(true);
    if (legacy.isPresent()) {
      flyway.baselineOnMigrate(true).baselineVersion(String.valueOf(legacy.get()))
          .baselineDescription("made before Flyway, " + LEGACY_TABLE + " " + legacy.get());
    }
    Flyway f = flyway.load();
    try {
      refuseNewer(f, config);
      var result = f.migrate();
      if (result.migrationsExecuted > 0 || legacy.isPresent()) {
        LOG.info("event=db_migrated url={} from={} to={} applied={}", config.safeUrl(),
            legacy.map(String::valueOf).orElse(result.initialSchemaVersion), result.targetSchemaVersion,
            result.migrationsExecuted);
      }
    } catch (FlywayException e) {
      throw new StoreException("cannot bring the schema of " + config.safeUrl() + " up to date: " + e.getMessage(), e);
    }
    if (legacy.isPresent()) {
      dropLegacyTable(config);
    }
  }

  private static void refuseNewer(Flyway f, DatabaseConfig config) {
    MigrationInfo[] all = f.info().all();
    Optional<MigrationInfo> newer = Arrays.stream(all)
        .filter(i -> i.getState() == MigrationState.FUTURE_SUCCESS || i.getState() == MigrationState.FUTURE_FAILED)
        .reduce((a, b) -> b);
    if (newer.isPresent()) {
      String known = Arrays.stream(all).filter(i -> i.getState().isResolved()).map(i -> i.getVersion().getVersion())
          .reduce((a, b) -> b).orElse("none");
      throw new StoreException("the database schema of " + config.safeUrl() + " is version " + newer.get().getVersion()
          + " but this server knows only up to " + known + ": use a newer server or another database", null);
    }
  }

  // The version in the table of the scripts before Flyway, when it exists and Flyway's does not.
  private static Optional<Integer> legacyVersion(DatabaseConfig config) {
    try (Connection c = DriverManager.getConnection(config.url());
         Statement s = c.createStatement()) {
      if (!hasTable(s, LEGACY_TABLE) || hasTable(s, "flyway_schema_history")) {
        return Optional.empty();
      }
      int version;
      try (ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + LEGACY_TABLE)) {
        version = rs.next() ? rs.getInt(1) : 0;
      }
      if (version > LAST_LEGACY_VERSION) {
        throw new StoreException("the database schema of " + config.safeUrl() + " is version " + version
            + " but this server knows only up to " + LAST_LEGACY_VERSION + ": use a newer server or another database", null);
      }
      return version == 0 ? Optional.empty() : Optional.of(version);
    } catch (SQLException e) {
      throw new StoreException("cannot read the schema version of " + config.safeUrl() + ": " + e.getMessage(), e);
    }
  }

  private static boolean hasTable(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
      return rs.next();
    }
  }

  private static void dropLegacyTable(DatabaseConfig config) {
    try (Connection c = DriverManager.getConnection(config.url());
         Statement s = c.createStatement()) {
      s.execute("DROP TABLE " + LEGACY_TABLE);
    } catch (SQLException e) {
      throw new StoreException("cannot drop the old " + LEGACY_TABLE + " table of " + config.safeUrl() + ": " + e.getMessage(), e);
    }
  }
}
