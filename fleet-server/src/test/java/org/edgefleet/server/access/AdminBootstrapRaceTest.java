package org.edgefleet.server.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.server.store.Database;
import org.edgefleet.server.store.DatabaseConfig;
import org.edgefleet.server.store.PostgresCluster;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two instances starting at the same moment on one empty database: exactly one makes the first
 * admin token, the other finds it made and says where it is, on SQLite and on PostgreSQL.
 */
@ExtendWith(PostgresCluster.class)
class AdminBootstrapRaceTest {

  @TempDir Path dir;

  private DatabaseConfig database(String dialect) {
    return dialect.equals("sqlite") ? DatabaseConfig.sqlite(dir.resolve("fleet.db")) : PostgresCluster.newDatabase();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void twoInstancesThatBothSawNoTokenMakeExactlyOne(String dialect) throws Exception {
    DatabaseConfig config = database(dialect);
    try (Database a = Database.open(config); Database b = Database.open(config)) {
      TokenService first = new TokenService(a, SqlTokenStore::new, Clock.systemUTC());
      TokenService second = new TokenService(b, SqlTokenStore::new, Clock.systemUTC());
      first.load().join();
      second.load().join();
      // Both loaded an empty table: each goes on to make a token, as two starting servers would.
      assertThat(first.anyIssued()).isFalse();
      assertThat(second.anyIssued()).isFalse();
      Path fileA = dir.resolve("a").resolve("admin-token");
      Path fileB = dir.resolve("b").resolve("admin-token");
      List<AdminBootstrap.Outcome> outcomes = atOnce(List.of(() -> AdminBootstrap.run(first, fileA),
          () -> AdminBootstrap.run(second, fileB)));

      assertThat(outcomes).containsExactlyInAnyOrder(AdminBootstrap.Outcome.CREATED, AdminBootstrap.Outcome.MADE_ELSEWHERE);
      Path winner = outcomes.get(0) == AdminBootstrap.Outcome.CREATED ? fileA : fileB;
      Path loser = winner == fileA ? fileB : fileA;
      assertThat(loser).doesNotExist();
      assertThat(first.list(null, 10).join().items()).singleElement().satisfies(t -> assertThat(t.role()).isEqualTo(Role.ADMIN));
      String secret = Files.readString(winner).trim();
      assertThat(first.authenticate(secret)).isPresent();
      assertThat(second.authenticate(secret)).isPresent();
      // The loser's database reads back where the token is.
      assertThat(b.read(tx -> new SqlTokenStore(tx).bootstrap()).join()).hasValueSatisfying(
          c -> assertThat(c.tokenFile()).isEqualTo(winner.toAbsolutePath().toString()));
      // And a later start of the loser makes none either.
      assertThat(AdminBootstrap.run(second, loser)).isEqualTo(AdminBootstrap.Outcome.TOKENS_EXIST);
      assertThat(loser).doesNotExist();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void twoServersStartedTogetherOnOneDatabaseShareOneAdminToken(String dialect) throws Exception {
    DatabaseConfig database = database(dialect);
    // The schema first: this test is about the bootstrap, not about two migrations of one SQLite file at once.
    Database.open(database).close();
    List<ServerConfig> configs = new ArrayList<>();
    for (String instance : List.of("one", "two")) {
      configs.add(TestServers.config(dir.resolve(instance)).set(Settings.DATABASE_URL, database.url())
          .set(Settings.DATABASE_USERNAME, database.username()).build());
    }
    List<FleetServer> servers = atOnce(List.of(() -> FleetServer.start(configs.get(0)), () -> FleetServer.start(configs.get(1))));
    try {
      List<FleetServer> withFile = servers.stream().filter(s -> Files.exists(s.adminTokenFile())).toList();
      assertThat(withFile).hasSize(1);
      String secret = Api.adminToken(withFile.get(0));
      for (FleetServer s : servers) {
        Api api = new Api(s.httpUrl(), secret);
        assertThat(api.get("/api/v1/tokens").json().path("tokens")).hasSize(1);
      }
    } finally {
      servers.forEach(FleetServer::close);
    }
  }

  /** Runs both at the same moment, each on a thread of its own, and returns their results in order. */
  private static <T> List<T> atOnce(List<Callable<T>> work) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(work.size());
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> w : work) {
        futures.add(threads.submit(() -> {
          go.await();
          return w.call();
        }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      threads.shutdownNow();
    }
  }
}
