package org.edgefleet.bench.scaleout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.FleetApi;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.bench.report.BenchmarkReport;
import org.edgefleet.bench.report.Numbers;
import org.edgefleet.bench.report.Outcome;
import org.edgefleet.bench.telemetry.TelemetryPublishers;
import org.edgefleet.bench.telemetry.TelemetryWorkload;
import org.edgefleet.protocol.mqtt.Topics;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.TrustStore;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import org.edgefleet.sim.DeviceProfile;
import org.edgefleet.sim.FleetSimulator;

/**
 * Several server instances on one broker and one PostgreSQL: telemetry ingest and a rollout's
 * time with one instance and with two (a shared-subscription group), on the same broker and
 * database server, in this JVM. The one-instance trial runs before and after the two-instance one;
 * the baseline is their mean, after an untimed one-instance warm-up. Each trial has a database of
 * its own, created on the given server, and devices of its own.
 */
public final class ScaleOutBenchmark {

  /**
   * @param brokerUrl an external broker with shared subscriptions (Mosquitto 2, EMQX)
   * @param databaseUrl a PostgreSQL database the user may CREATE DATABASE from (e.g. .../postgres)
   */
  public record Options(String brokerUrl, String databaseUrl, String databaseUser, String databasePassword,
      int messages, int telemetryDevices, int window, int rolloutDevices, Duration timeout) {}

  public static final String NAME = "scale-out";
  private static final Duration STALL = Duration.ofSeconds(30);
  private static final DeviceProfile PROFILE = new DeviceProfile("bench", Map.of("hw", "bench"), 0, 0);

  private record Trial(int instances, Duration ingest, Duration rollout) {}

  private ScaleOutBenchmark() {}

  public static BenchmarkReport run(Path workDir, Options s) throws Exception {
    ModelBundles bundles = ModelBundles.create(workDir.resolve("bundles"));
    Path bundle = bundles.sampleBundle(1);
    // Untimed: compiles the server's, the agents' and the driver's paths, so the first timed trial is not also a JIT warm-up.
    Trial warmup = trial(workDir.resolve("warm-up"), 9, 1, bundles, bundle, s);
    Progress.log(NAME, "warm-up: ingest " + warmup.ingest().toMillis() + " ms, rollout " + warmup.rollout().toMillis() + " ms");
    List<Trial> trials = new ArrayList<>();
    int[] sizes = {1, 2, 1};
    for (int t = 0; t < sizes.length; t++) {
      Trial trial = trial(workDir.resolve("trial-" + t), t, sizes[t], bundles, bundle, s);
      Progress.log(NAME, sizes[t] + " instance(s): ingest " + trial.ingest().toMillis() + " ms, rollout "
          + trial.rollout().toMillis() + " ms");
      trials.add(trial);
    }
    int m = s.messages();
    double ingestOne = (rate(m, trials.get(0).ingest()) + rate(m, trials.get(2).ingest())) / 2;
    double rolloutOne = (rate(s.rolloutDevices(), trials.get(0).rollout()) + rate(s.rolloutDevices(), trials.get(2).rollout())) / 2;
    List<Outcome> outcomes = List.of(
        new Outcome(NAME, "telemetry ingest, 2 instances vs 1", "msg/s", rate(m, trials.get(1).ingest()), ingestOne, null),
        new Outcome(NAME, "rollout to " + s.rolloutDevices() + " agents, 2 instances vs 1", "devices/s",
            rate(s.rolloutDevices(), trials.get(1).rollout()), rolloutOne, null));
    List<String> details = new ArrayList<>();
    details.add("| instances | ingest of " + m + " batches | msg/s | rollout to " + s.rolloutDevices() + " agents |");
    details.add("|---|---|---|---|");
    for (Trial t : trials) {
      details.add("| " + t.instances() + " | " + seconds(t.ingest()) + " s | " + Numbers.format(rate(m, t.ingest())) + " | "
          + seconds(t.rollout()) + " s |");
    }
    details.add("");
    details.add("All instances run in one JVM on one machine with the broker and the database: the figures show what "
        + "sharing costs, not what a second machine adds.");
    return new BenchmarkReport(NAME, "Several server instances on one broker and one PostgreSQL", outcomes, details);
  }

  private static Trial trial(Path dir, int index, int instances, ModelBundles bundles, Path bundle, Options s) throws Exception {
    String database = "fleet_scaleout_" + ProcessHandle.current().pid() + "_" + index;
    execute(s, "CREATE DATABASE " + database);
    String url = s.databaseUrl().substring(0, s.databaseUrl().lastIndexOf('/') + 1) + database;
    Path shared = Files.createDirectories(dir.resolve("server"));
    Path trusted = shared.resolve("packager.pub.json");
    KeyFiles.writePublic(trusted, bundles.packagerKey().publicKey());
    List<FleetServer> servers = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        ServerConfig.Builder b = ServerConfig.builder().dataDir(shared).httpPort(0).brokerUrl(s.brokerUrl())
            .set(Settings.DATABASE_URL, url).set(Settings.DATABASE_USERNAME, s.databaseUser())
            .set(Settings.DATABASE_PASSWORD, s.databasePassword()).set(Settings.MQTT_SHARED_GROUP, "bench" + index)
            .set(Settings.MQTT_CLIENT_ID, "bench-" + index + "-" + i).trustedPackagerKeys(List.of(trusted));
        servers.add(FleetServer.start(b.build()));
      }
      Duration ingest = ingest(s, url, "t" + index);
      Duration rollout = rollout(dir, s, servers, bundles, bundle, "r" + index);
      return new Trial(instances, ingest, rollout);
    } finally {
      servers.forEach(FleetServer::close);
    }
  }

  /** Device clients publish every batch; timed until the database holds them all. */
  private static Duration ingest(Options s, String url, String prefix) throws Exception {
    TelemetryWorkload workload = TelemetryWorkload.create(Topics.defaults(), prefix, s.telemetryDevices(), s.messages(), 5);
    try (TelemetryPublishers publishers = TelemetryPublishers.connect(s.brokerUrl(), workload, s.window());
         Connection c = DriverManager.getConnection(url, s.databaseUser(), s.databasePassword())) {
      long start = System.nanoTime();
      publishers.publishAll(workload, s.timeout(), STALL);
      Poll.untilReached("the servers to store " + workload.size() + " telemetry batches", workload.size(), s.timeout(), STALL,
          Duration.ofMillis(20), () -> count(c, "SELECT COUNT(*) FROM telemetry_batches"));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      long stored = count(c, "SELECT COUNT(*) FROM telemetry_batches");
      if (stored != workload.size()) {
        throw new IllegalStateException("the servers stored " + stored + " telemetry batches, expected " + workload.size());
      }
      return elapsed;
    }
  }

  /** The bundle uploaded to the first instance, the rollout started there; timed until it is FINISHED. */
  private static Duration rollout(Path dir, Options s, List<FleetServer> servers, ModelBundles bundles, Path bundle,
      String prefix) throws Exception {
    FleetApi api = FleetApi.admin(servers.get(0));
    api.upload(bundle);
    try (FleetSimulator sim = FleetSimulator.builder().brokerUrl(s.brokerUrl()).dataRoot(dir.resolve("devices"))
        .idPrefix(prefix).trust(TrustStore.of(bundles.packagerKey().publicKey(), servers.get(0).serverKey()))
        .devices(s.rolloutDevices()).profiles(List.of(PROFILE)).start()) {
      for (FleetServer server : servers) {
        FleetApi each = FleetApi.admin(server);
        Poll.untilReached("every instance to know the " + s.rolloutDevices() + " agents' reports", s.rolloutDevices(), s.timeout(),
            STALL, Duration.ofMillis(100), () -> reportedAgents(each, prefix));
      }
      long start = System.nanoTime();
      long id = api.createRollout(ModelBundles.MODEL, 1, "hw=bench");
      Poll.until("rollout " + id + " to finish", s.timeout(), Duration.ofMillis(20),
          () -> "FINISHED".equals(api.rollout(id).get("status").asText()));
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (sim.countActive(ModelBundles.MODEL, 1) != s.rolloutDevices()) {
        throw new IllegalStateException("rollout finished with " + sim.countActive(ModelBundles.MODEL, 1) + " of "
            + s.rolloutDevices() + " agents serving the version");
      }
      return elapsed;
    }
  }

  private static long reportedAgents(FleetApi api, String prefix) throws Exception {
    long n = 0;
    for (var d : api.devices()) {
      if (d.get("id").asText().startsWith(prefix + "-") && "bench".equals(d.path("labels").path("hw").asText())) {
        n++;
      }
    }
    return n;
  }

  private static void execute(Options s, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(s.databaseUrl(), s.databaseUser(), s.databasePassword());
         Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String seconds(Duration d) {
    return Numbers.format(d.toNanos() / 1e9);
  }

  private static double rate(long n, Duration d) {
    return n / (d.toNanos() / 1e9);
  }
}
