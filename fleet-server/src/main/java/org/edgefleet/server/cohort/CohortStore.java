package org.edgefleet.server.cohort;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Saved cohorts. Opened on one transaction, used inside it only. */
public interface CohortStore {

  /** Saves the cohort, replacing the selector of one of the same name; true when it is new. */
  boolean save(String name, Selector selector, Instant now);

  Optional<Cohort> find(String name);

  /** Up to {@code limit} cohorts with names after {@code afterName} (null: from the start), by name. */
  List<Cohort> list(String afterName, int limit);

  boolean delete(String name);
}
