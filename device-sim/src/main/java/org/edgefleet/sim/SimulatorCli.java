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
import org.edgefleet.protocol.config.DurationText;
import org.edgefleet.protocol.runtime.Platform;
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

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--broker", description = "MQTT broker URL (default: ${DEFAULT-VALUE})")
  String broker = "tcp://127.0.0.1:1883";

  @Option(names = "--coap", description = "The fleet server's CoAP endpoint (coap://host:port): a mixed fleet, see --coap-every")
  String coap;

  @Option(names = "--coap-every", description = "With --coap, every n-th device talks CoAP, the others MQTT; 1: all (default: ${DEFAULT-VALUE})")
  int coapEvery = 2;

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

  @Option(names = "--shift-features", split = ",", description = "Features whose inputs drift as --shift and --scale say "
      + "(comma-separated names; default: none)")
  List<String> shiftFeatures = List.of();

  @Option(names = "--shift", description = "Added to each shifted feature, after --scale (default: ${DEFAULT-VALUE})")
  double shift = 0;

  @Option(names = "--scale", description = "Multiplies each shifted feature (default: ${DEFAULT-VALUE})")
  double scale = 1;

  @Option(names = "--model", description = "Model the simulated application predicts with (default: ${DEFAULT-VALUE})")
  String model = "motor-anomaly";

  @Option(names = "--inputs", paramLabel = "SOURCE", description = "Where the application's inputs come from: motor "
      + "(the sample model's sensor rows), test-vectors (the active bundle's own, any model) or files:DIR "
      + "(*.json tensor files, one call each) (default: ${DEFAULT-VALUE})")
  String inputs = "motor";

  @Option(names = "--agent-version", description = "Agent version the devices report instead of their own, "
      + "e.g. 0.1.0 to stand in for old agents")
  String agentVersion;

  @Option(names = "--arch", description = "Platform the devices report instead of their own, os-cpu, e.g. linux-armv7")
  String arch;

  @Option(names = "--flap", split = "/", paramLabel = "UP/DOWN", description = "Flapping links: connected for UP, then cut "
      + "for DOWN, over and over, e.g. 20s/5s")
  List<Duration> flap = List.of();

  @Option(names = "--killed-for", description = "Kill each device at its first bundle chunk and start it again after this long")
  Duration killedFor;

  @Option(names = "--corrupt-chunks", description = "Share of received bundle chunks whose data is corrupted, 0 to 1 "
      + "(default: ${DEFAULT-VALUE})")
  double corruptChunks;

  @Option(names = "--full-disk", description = "The devices' disks have no room for a download")
  boolean fullDisk;

  @Option(names = "--slowdown", description = "Hardware this many times slower than this machine (default: ${DEFAULT-VALUE})")
  double slowdown = 1;

  @Option(names = "--telemetry-interval", description = "Telemetry interval, e.g. 5s (default: 5s)")
  Duration telemetryInterval = Duration.ofSeconds(5);

  @Option(names = "--agent-threads", description = "Scheduler threads all agents share; connecting thousands of agents "
      + "is bound by them (default: ${DEFAULT-VALUE})")
  int agentThreads = 2;

  @Option(names = "--duration", description = "Stop after this long, e.g. 10m; 0s runs until interrupted (default: 0s)")
  Duration duration = Duration.ZERO;

  @Option(names = "--status-every", description = "Status line interval, e.g. 5s (default: 5s)")
  Duration statusEvery = Duration.ofSeconds(5);

  private Faults faults() {
    if (!flap.isEmpty() && flap.size() != 2) {
      throw new IllegalArgumentException("--flap takes UP/DOWN, e.g. 20s/5s");
    }
    Faults f = Faults.NONE.corruptingChunks(corruptChunks).slowHardware(slowdown);
    f = flap.isEmpty() ? f : f.flapping(flap.get(0), flap.get(1));
    f = killedFor == null ? f : f.killedMidDownload(killedFor);
    return fullDisk ? f.fullDisk() : f;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command, reading durations in the project's one syntax (30s, 5m) instead of picocli's ISO-8601. */
  static CommandLine commandLine() {
    return new CommandLine(new SimulatorCli()).registerConverter(Duration.class, DurationText::parse);
  }

  @Override
  public Integer call() throws Exception {
    if (agentThreads < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--agent-threads must be at least 1, not " + agentThreads);
    }
    TrustStore trust = trust();
    DeviceProfile profile;
    try {
      profile = new DeviceProfile("cli", labels, rate, drift, Inputs.parse(inputs), agentVersion,
          arch == null ? null : Platform.parse(arch), shiftFeatures.isEmpty() ? null : FeatureShift.of(shiftFeatures, shift, scale), faults());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
    }
    FleetSimulator.Builder builder = FleetSimulator.builder().brokerUrl(broker).dataRoot(dataDir).trust(trust)
        .devices(devices).idPrefix(idPrefix).profiles(List.of(profile)).model(model, "features")
        .telemetryInterval(telemetryInterval).threads(agentThreads, 1);
    if (coap != null) {
      builder.coap(coap, coapEvery);
    }
    try (FleetSimulator sim = builder.start()) {
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
    return String.format("connected=%d/%d active=%s predictions=%d failures=%d skipped=%d",
        sim.countConnected(), sim.devices().size(), versions, sim.totalPredictions(), sim.totalFailures(), sim.totalSkipped());
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
