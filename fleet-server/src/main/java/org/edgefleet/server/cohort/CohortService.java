package org.edgefleet.server.cohort;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Page;
import org.edgefleet.server.store.Transaction;

/**
 * Saved cohorts. A rollout copies its cohort's selector when it is created, so changing or
 * deleting a cohort later never changes which devices a rollout already holds.
 */
public final class CohortService {

  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");

  private final Database db;
  private final Function<Transaction, CohortStore> stores;
  private final Clock clock;

  public CohortService(Database db, Function<Transaction, CohortStore> stores, Clock clock) {
    this.db = db;
    this.stores = stores;
    this.clock = clock;
  }

  /** Saves a cohort; completes with true when it is new. */
  public CompletableFuture<Boolean> save(String name, String selector) {
    try {
      checkName(name);
      if (selector == null) {
        throw FleetException.invalid("bad_request", "a cohort needs \"selector\", e.g. {\"selector\": \"hw in (rpi3,rpi4),region=eu\"}");
      }
      Selector parsed = Selector.parse(selector);
      return db.execute(tx -> stores.apply(tx).save(name, parsed, clock.instant()));
    } catch (FleetException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  public CompletableFuture<Cohort> get(String name) {
    return db.read(tx -> stores.apply(tx).find(name).orElseThrow(() -> notFound(name)));
  }

  /** The cohort, read in the caller's transaction. */
  public Cohort get(Transaction tx, String name) {
    return stores.apply(tx).find(name).orElseThrow(() -> notFound(name));
  }

  public CompletableFuture<Page<Cohort>> list(String afterName, int limit) {
    return db.read(tx -> Page.of(stores.apply(tx).list(afterName, limit + 1), limit, Cohort::name));
  }

  public CompletableFuture<Void> delete(String name) {
    return db.execute(tx -> {
      if (!stores.apply(tx).delete(name)) {
        throw notFound(name);
      }
      return null;
    });
  }

  private static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw FleetException.invalid("bad_cohort_name", "cohort name '" + name + "' must be 1 to 63 lower-case letters, digits, "
          + "'.', '_' or '-', starting and ending with a letter or digit");
    }
  }

  private static FleetException notFound(String name) {
    return FleetException.notFound("cohort_not_found", "no cohort '" + name + "': see GET /api/v1/cohorts");
  }
}
