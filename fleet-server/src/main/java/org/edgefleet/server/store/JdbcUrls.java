package org.edgefleet.server.store;

/** JDBC URLs as they may appear in logs and error messages. */
final class JdbcUrls {

  private JdbcUrls() {}

  /** The URL with the value of any {@code password=} parameter replaced, so it can be logged. */
  static String withoutSecrets(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
