package org.edgefleet.server.store;

import java.nio.file.Path;

/**
 * Where the database is and how to reach it.
 *
 * @param url a JDBC URL: {@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://HOST:PORT/DB}
 * @param username user name for PostgreSQL (null: the driver's default, or the URL's)
 * @param password password for PostgreSQL (null: none, or the URL's)
 * @param poolSize connections to PostgreSQL, which is also how many transactions run at once; SQLite
 *     always has one writing connection and {@link #SQLITE_READERS} reading ones
 */
public record DatabaseConfig(String url, String username, String password, int poolSize) {

  public static final int DEFAULT_POOL_SIZE = 8;
  static final int SQLITE_READERS = 2;

  public DatabaseConfig {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("database-url must not be empty");
    }
    Dialect.of(url);
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException("database-pool-size must be between 1 and 1000, was " + poolSize);
    }
  }

  /** The embedded default: a SQLite file. */
  public static DatabaseConfig sqlite(Path file) {
    return new DatabaseConfig("jdbc:sqlite:" + file.toAbsolutePath(), null, null, DEFAULT_POOL_SIZE);
  }

  public Dialect dialect() {
    return Dialect.of(url);
  }

  /** The URL without any password in it, for logs and error messages. */
  public String safeUrl() {
    return JdbcUrls.withoutSecrets(url);
  }

  @Override
  public String toString() {
    return "DatabaseConfig[url=" + safeUrl() + ", username=" + username + ", poolSize=" + poolSize + "]";
  }
}
