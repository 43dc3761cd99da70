package org.edgefleet.sim;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.PublicKey;
import org.edgefleet.protocol.trust.TrustStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs a simulated fleet until stopped (or for a given time), printing its state now and then. */
@Command(name = "device-sim", mixinStandardHelpOptions = true, version = "device-sim 0.1.0",
    description = "Runs N real edge agents in one JVM against a fleet server's broker.")
public final class SimulatorCli implements Callable<Integer> {

  @Option(names = "--broker", description = "MQTT broker URL (default: ${DEFAULT-VALUE})")
  String broker = "tcp://127.0.0.1:1883";

  @Option(names = "--server", description = "Fleet server URL, to fetch its public key when --server-key is not given (default: ${DEFAULT-VALUE})")
  String server = "http://127.0.0.1:8080";

  @Option(names = "--server-key", description = "The server's public key file")
  Path serverKey;

  @Option(names = "--packager-key", required = true, description = "A trusted packager public key file (repeatable)")
  List<Path> packagerKeys = new ArrayList<>();

  @Option(names = "--devices", description = "Number of devices (default: ${DEFAULT-VALUE})")
  int devices = 20;

  @Option(names = "--data-dir", description = "Root of the devices' data directories (default: ${DEFAULT-VALUE})")
  Path dataDir = Path.of("sim-data");

  @Option(names = "--id-prefix", description = "Device id prefix (default: ${DEFAULT-VALUE})")
  String idPrefix = "sim";

  @Option(names = "--labels", split = ",", description = "Labels of every device, k=v,... (default: hw=rpi4,region=eu)")
  Map<String, String> labels = new LinkedHashMap<>(Map.of("hw", "rpi4", "region", "eu"));

  @Option(names = "--rate", description = "Predictions per second per device (default: ${DEFAULT-VALUE})")
  double rate = 5;

  @Option(names = "--drift", description = "Input drift, 0 none to 1 strong (default: ${DEFAULT-VALUE})")
  double drift = 0;

  @Option(names = "--model", description = "Model the simulated application predicts with (default: ${DEFAULT-VALUE})")
  String model = "motor-anomaly";

  @Option(names = "--telemetry-interval", description = "Telemetry interval, ISO-8601 (default: ${DEFAULT-VALUE})")
  Duration telemetryInterval = Duration.ofSeconds(5);

  @Option(names = "--duration", description = "Stop after this long, ISO-8601; 0 runs until interrupted (default: ${DEFAULT-VALUE})")
  Duration duration = Duration.ZERO;

  @Option(names = "--status-every", description = "Status line interval, ISO-8601 (default: ${DEFAULT-VALUE})")
  Duration statusEvery = Duration.ofSeconds(5);

  public static void main(String[] args) {
    System.exit(new CommandLine(new SimulatorCli()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    TrustStore trust = trust();
    DeviceProfile profile = new DeviceProfile("cli", labels, rate, drift);
    try (FleetSimulator sim = FleetSimulator.builder().brokerUrl(broker).dataRoot(dataDir).trust(trust)
        .devices(devices).idPrefix(idPrefix).profiles(List.of(profile)).model(model, "features")
        .telemetryInterval(telemetryInterval).start()) {
      Runtime.getRuntime().addShutdownHook(new Thread(sim::close, "sim-shutdown"));
      System.out.printf("started %d devices (%s-0000...) against %s%n", devices, idPrefix, broker);
      Instant end = duration.isZero() ? null : Instant.now().plus(duration);
      while (end == null || Instant.now().isBefore(end)) {
        long untilEnd = end == null ? Long.MAX_VALUE : Math.max(1, Duration.between(Instant.now(), end).toMillis());
        Thread.sleep(Math.min(statusEvery.toMillis(), untilEnd));
        System.out.println(status(sim));
      }
    }
    return 0;
  }

  private String status(FleetSimulator sim) {
    Map<String, Integer> versions = new TreeMap<>();
    for (SimulatedDevice d : sim.devices()) {
      String v = d.agent().activeVersion(model).isPresent() ? "v" + d.agent().activeVersion(model).getAsInt() : "none";
      versions.merge(v, 1, Integer::sum);
    }
    return String.format("connected=%d/%d active=%s predictions=%d failures=%d",
        sim.countConnected(), sim.devices().size(), versions, sim.totalPredictions(), sim.totalFailures());
  }

  private TrustStore trust() throws IOException, InterruptedException {
    TrustStore.Builder trust = KeyFiles.trustStore(packagerKeys).toBuilder();
    if (serverKey == null) {
      serverKey = Files.createDirectories(dataDir).resolve("server.pub.json");
      HttpResponse<Path> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(server + "/api/v1/keys/server")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofFile(serverKey));
      if (response.statusCode() != 200) {
        throw new IOException("could not fetch the server key from " + server + ": HTTP " + response.statusCode());
      }
    }
    PublicKey key = KeyFiles.readPublic(serverKey);
    return trust.trust(key).build();
  }
}
