package org.edgefleet.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.edgefleet.server.metrics.ServerMetrics;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client that cannot keep up costs the server a bounded queue, and is told to fetch again. */
class LiveEventsTest {

  private Vertx vertx;
  private ServerMetrics metrics;
  private LiveEvents events;
  private HttpServer server;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    metrics = new ServerMetrics();
    events = new LiveEvents(2, null, metrics);
    server = vertx.createHttpServer().requestHandler(req -> events.open(req.response())).listen(0, "127.0.0.1")
        .await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    metrics.close();
  }

  @Test
  void aFloodOfEventsOverflowsTheClientsQueueIntoOneResyncAndEventsFlowAgainAfterIt() throws Exception {
    try (RawHttp stream = RawHttp.get("http://127.0.0.1:" + server.actualPort(), "/")) {
      assertThat(stream.status()).isEqualTo(200);
      stream.until("retry:");
      // Far faster than the event loop writes: the client's queue overflows at once.
      int flood = 50 * EventStream.MAX_QUEUED;
      for (int i = 0; i < flood; i++) {
        events.publish(LiveEvents.Kind.DEVICE, Map.of("id", "d-" + i, "change", "reported"));
      }
      int before = 0;
      String line;
      while (!(line = stream.line()).equals("event: resync")) {
        if (line.startsWith("event: device")) {
          before++;
        }
      }
      assertThat(before).isLessThan(flood);
      assertThat(TestServers.metric(metrics.scrape(), "fleet_dashboard_events_dropped_total", null)).isPositive();

      // The flood may have overflowed the queue again after that resync: an event offered before the
      // second resync is written is dropped with the rest (the resync covers it), so offer it again.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      events.publish(LiveEvents.Kind.ROLLOUT, Map.of("id", 7));
      while (!(line = stream.line()).equals("event: rollout")) {
        assertThat(System.nanoTime()).as("a rollout event within 60 s of the flood").isLessThan(deadline);
        if (line.equals("event: resync")) {
          events.publish(LiveEvents.Kind.ROLLOUT, Map.of("id", 7));
        }
      }
      assertThat(stream.until("data:")).isEqualTo("data: {\"id\":7}");
    }
  }
}
