package org.edgefleet.server.telemetry;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps telemetry storage bounded: folds raw rows older than the raw retention into per-minute
 * buckets, minute buckets older than their retention into per-hour buckets, and deletes hour
 * buckets and drift histograms past theirs. It runs as leader work in transactions of at most
 * {@link Retention#batchRows} source rows each, one after the other on the database's threads,
 * until nothing is left to do or a run has taken {@link #MAX_TRANSACTIONS_PER_RUN}; the next run
 * goes on from there. Each transaction calls the fence first, so a holder that lost the lease
 * writes nothing.
 */
public final class Downsampler {

  private static final Logger LOG = LoggerFactory.getLogger(Downsampler.class);
  static final int MAX_TRANSACTIONS_PER_RUN = 200;

  /** What one run did: source rows folded or deleted per step. */
  public record Result(long rawFolded, long minutesFolded, long hoursExpired, long driftExpired) {

    long total() {
      return rawFolded + minutesFolded + hoursExpired + driftExpired;
    }
  }

  private enum Step { RAW, MINUTES, HOURS, DRIFT }

  private final Database db;
  private final Retention retention;
  private final Clock clock;

  public Downsampler(Database db, Retention retention, Clock clock) {
    this.db = db;
    this.retention = retention;
    this.clock = clock;
  }

  /** Runs every step until it is done (or the run's transaction budget is spent). */
  public CompletableFuture<Result> run(Consumer<Transaction> fence) {
    Instant now = clock.instant();
    long[] done = new long[Step.values().length];
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    int[] transactions = {0};
    for (Step step : Step.values()) {
      chain = chain.thenCompose(v -> drain(step, now, fence, done, transactions));
    }
    return chain.thenApply(v -> {
      Result r = new Result(done[0], done[1], done[2], done[3]);
      if (r.total() > 0) {
        LOG.debug("event=telemetry_downsampled raw={} minutes={} hours_expired={} drift_expired={}", r.rawFolded(),
            r.minutesFolded(), r.hoursExpired(), r.driftExpired());
      }
      return r;
    });
  }

  private CompletableFuture<Void> drain(Step step, Instant now, Consumer<Transaction> fence, long[] done, int[] transactions) {
    if (transactions[0] >= MAX_TRANSACTIONS_PER_RUN) {
      return CompletableFuture.completedFuture(null);
    }
    transactions[0]++;
    int limit = retention.batchRows();
    return db.execute(tx -> {
      fence.accept(tx);
      SqlRollups rollups = new SqlRollups(tx);
      return switch (step) {
        case RAW -> rollups.foldRaw(now.minus(retention.raw()), limit);
        case MINUTES -> rollups.foldMinutes(now.minus(retention.minutes()), limit);
        case HOURS -> rollups.expireHours(now.minus(retention.hours()), limit);
        case DRIFT -> rollups.expireDrift(now.minus(retention.drift()), limit);
      };
    }).thenCompose(n -> {
      done[step.ordinal()] += n;
      // A full batch may have left more behind; a short one means the step is done.
      return n >= limit ? drain(step, now, fence, done, transactions) : CompletableFuture.completedFuture(null);
    });
  }
}
