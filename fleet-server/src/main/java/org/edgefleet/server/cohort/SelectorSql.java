package org.edgefleet.server.cohort;

import java.util.Collections;
import java.util.List;
import org.edgefleet.server.store.Dialect;

/**
 * A {@link Selector} as a SQL condition on a JSON text column of labels. Keys and values are bound
 * parameters, never part of the SQL text: the text depends only on the selector's operators and
 * set sizes.
 */
public final class SelectorSql {

  private SelectorSql() {}

  /** A condition ({@code TRUE}-like for the empty selector) that appends its parameters to {@code args}. */
  public static String where(Selector selector, Dialect dialect, String column, List<Object> args) {
    if (selector.isAll()) {
      return "1 = 1";
    }
    StringBuilder sql = new StringBuilder();
    for (Requirement r : selector.requirements()) {
      if (!sql.isEmpty()) {
        sql.append(" AND ");
      }
      String field = dialect.jsonField(column);
      String marks = String.join(", ", Collections.nCopies(r.values().size(), "?"));
      switch (r.op()) {
        case EQUALS -> {
          sql.append(field).append(" = ?");
          args.add(r.key());
        }
        case NOT_EQUALS -> {
          sql.append("(").append(field).append(" IS NULL OR ").append(field).append(" <> ?)");
          args.add(r.key());
          args.add(r.key());
        }
        case IN -> {
          sql.append(field).append(" IN (").append(marks).append(")");
          args.add(r.key());
        }
        case NOT_IN -> {
          sql.append("(").append(field).append(" IS NULL OR ").append(field).append(" NOT IN (").append(marks).append("))");
          args.add(r.key());
          args.add(r.key());
        }
        case EXISTS -> {
          sql.append(field).append(" IS NOT NULL");
          args.add(r.key());
        }
        case NOT_EXISTS -> {
          sql.append(field).append(" IS NULL");
          args.add(r.key());
        }
      }
      args.addAll(r.values());
    }
    return sql.toString();
  }
}
