package org.edgefleet.server.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on the database connection; runs on the database thread inside a transaction. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
