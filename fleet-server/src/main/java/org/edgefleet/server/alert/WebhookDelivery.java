package org.edgefleet.server.alert;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import org.edgefleet.protocol.retry.Backoff;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.Transaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to webhooks: each due delivery is one JSON POST; a 2xx answer marks it
 * delivered, so it is never sent again; anything else (an error status, a refused connection, a
 * timeout) schedules the next attempt after the project's {@link Backoff}, until the most attempts
 * are spent. Deliveries live in the database, so a restart or a new lease holder carries on where
 * the last one stopped. Retries wait real time (the system clock, not the server's configurable
 * one, which decides what alerts say). Runs as leader work; the POSTs run on Vert.x's event loop, the database
 * work on the database's threads.
 */
public final class WebhookDelivery implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookDelivery.class);
  static final int DUE_PER_RUN = 50;
  static final int TIMEOUT_MILLIS = 10_000;

  private final Database db;
  private final Function<Transaction, AlertStore> stores;
  private final WebClient client;
  private final Backoff backoff;
  private final int maxAttempts;
  private final Clock clock;
  private final Counter delivered;
  private final Counter retried;
  private final Counter failed;

  public WebhookDelivery(Database db, Function<Transaction, AlertStore> stores, Vertx vertx, Backoff backoff, int maxAttempts,
      ServerMetrics metrics) {
    this.db = db;
    this.stores = stores;
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("edgefleet-alerts").setConnectTimeout(TIMEOUT_MILLIS)
        .setFollowRedirects(false));
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.clock = Clock.systemUTC();
    String name = "fleet.alerts.deliveries";
    String about = "Webhook deliveries of alerts by outcome (delivered, retried, failed: attempts spent)";
    this.delivered = metrics.counter(name, about, "outcome", "delivered");
    this.retried = metrics.counter(name, about, "outcome", "retried");
    this.failed = metrics.counter(name, about, "outcome", "failed");
  }

  /** Makes every delivery that is due, one after the other; completes when all are answered. */
  public CompletableFuture<Void> deliverDue(Consumer<Transaction> fence) {
    return db.read(tx -> stores.apply(tx).due(clock.instant(), DUE_PER_RUN)).thenCompose(due -> {
      CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
      for (AlertStore.Delivery d : due) {
        chain = chain.thenCompose(v -> post(d)).thenCompose(status -> record(d, status, fence));
      }
      return chain;
    });
  }

  /** The answer's status, or 0 when there was none (refused, timed out). */
  private CompletableFuture<Integer> post(AlertStore.Delivery d) {
    try {
      return client.postAbs(d.webhook()).timeout(TIMEOUT_MILLIS).putHeader("content-type", "application/json")
          .sendBuffer(Buffer.buffer(d.payload())).map(r -> r.statusCode()).otherwise(e -> {
            LOG.debug("event=webhook_unreachable url={} reason=\"{}\"", d.webhook(), e.getMessage());
            return 0;
          }).toCompletionStage().toCompletableFuture();
    } catch (RuntimeException e) {
      // A URL the client cannot use: counted as a failed attempt like any other.
      return CompletableFuture.completedFuture(0);
    }
  }

  private CompletableFuture<Void> record(AlertStore.Delivery d, int status, Consumer<Transaction> fence) {
    Instant now = clock.instant();
    return db.execute(tx -> {
      fence.accept(tx);
      AlertStore store = stores.apply(tx);
      if (status >= 200 && status < 300) {
        store.delivered(d);
        delivered.increment();
      } else if (d.attempts() + 1 >= maxAttempts) {
        store.gaveUp(d);
        failed.increment();
        LOG.warn("event=webhook_gave_up url={} alert={} state={} attempts={} last_status={}", d.webhook(), d.alertId(), d.state(),
            d.attempts() + 1, status);
      } else {
        store.retryAt(d, now.plusMillis(backoff.delayMillis(d.attempts(), ThreadLocalRandom.current().nextDouble())));
        retried.increment();
      }
      return null;
    });
  }

  @Override
  public void close() {
    client.close();
  }
}
