package org.edgefleet.server.audit;

import java.time.Instant;
import java.util.List;

/** The audit log. Opened on one transaction, used inside it only. */
public interface AuditStore {

  /** Stores the entry; returns its id. */
  long insert(AuditEntry entry);

  /** Up to {@code limit} entries that pass the filter, newest first. */
  List<AuditEntry> list(AuditFilter filter, int limit);

  /** Deletes entries recorded before {@code before}; returns how many. */
  int deleteBefore(Instant before);
}
