package org.edgefleet.bench.footprint;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.edgefleet.bench.Poll;
import org.edgefleet.bench.Progress;
import org.edgefleet.bench.fleet.BenchServer;
import org.edgefleet.bench.fleet.FleetApi;
import org.edgefleet.bench.fleet.ModelBundles;
import org.edgefleet.bench.report.BenchmarkReport;

/**
 * Memory of one agent daemon process serving the sample model, under several JVM flag sets, next
 * to a bare JVM and a JVM with only ONNX Runtime and the same model loaded, started with the same
 * flags. The model is installed once by a real rollout; each measured start serves it from disk.
 */
public final class FootprintBenchmark {

  /**
   * @param settle how long a started process idles before it is measured
   * @param timeout bound of every wait for a process
   */
  public record Settings(List<JvmFlagSet> flagSets, Duration settle, Duration timeout) {}

  public static final String NAME = "footprint";
  private static final String DAEMON = "org.edgefleet.agent.linux.AgentDaemon";

  private final Path workDir;
  private final Settings settings;
  private final FleetApi api;
  private final DaemonHome home;
  private final Path probeClasses;

  private FootprintBenchmark(Path workDir, Settings settings, FleetApi api, DaemonHome home) {
    this.workDir = workDir;
    this.settings = settings;
    this.api = api;
    this.home = home;
    this.probeClasses = workDir.resolve("probe-classes");
  }

  public static BenchmarkReport run(Path workDir, Settings settings) throws Exception {
    ModelBundles bundles = ModelBundles.create(workDir.resolve("bundles"));
    try (BenchServer server = BenchServer.start(workDir.resolve("server"), bundles.packagerKey())) {
      server.api().upload(bundles.sampleBundle(1));
      FootprintBenchmark b = new FootprintBenchmark(workDir, settings, server.api(),
          DaemonHome.create(Files.createDirectories(workDir.resolve("agent")), server));
      b.install();
      b.extractProbe();
      List<FootprintReport.Row> rows = new ArrayList<>();
      for (JvmFlagSet flags : settings.flagSets()) {
        FootprintReport.Row row = b.measureAll(flags);
        rows.add(row);
        Progress.log(NAME, flags.name() + ": agent RSS " + row.agent().sample().rssBytes() / 1024 + " KiB, JVM+ORT "
            + row.ort().sample().rssBytes() / 1024 + " KiB, bare JVM " + row.idle().sample().rssBytes() / 1024 + " KiB");
      }
      // Once more with the JVM's own accounting on (it costs a little memory itself, so it is not used above).
      JvmFlagSet smallest = rows.stream().min(Comparator.comparingLong(r -> r.agent().sample().rssBytes())).orElseThrow().flags();
      FootprintReport.Accounting accounting = new FootprintReport.Accounting(smallest,
          b.measureAgent(smallest, List.of(NativeMemorySummary.FLAG)),
          b.measureProbe(smallest, List.of(NativeMemorySummary.FLAG), b.ortArgs()));
      return FootprintReport.of(rows, accounting, settings);
    }
  }

  private FootprintReport.Row measureAll(JvmFlagSet flags) throws Exception {
    return new FootprintReport.Row(flags, measureAgent(flags, List.of()), measureProbe(flags, List.of(), ortArgs()),
        measureProbe(flags, List.of(), List.of("idle")));
  }

  private List<String> ortArgs() throws IOException {
    return List.of("ort", home.installedModel().toString());
  }

  /** Starts the daemon once and rolls the sample model out to it, so later starts serve it from disk. */
  private void install() throws Exception {
    try (ChildJvm agent = startAgent("agent-install", settings.flagSets().get(0), List.of())) {
      Poll.until("the daemon to report its labels", settings.timeout(), Duration.ofMillis(100), () -> {
        agent.requireAlive();
        JsonNode d = api.device(DaemonHome.DEVICE);
        return d != null && DaemonHome.LABEL.equals(d.path("labels").path("bench").asText());
      });
      long id = api.createRollout(ModelBundles.MODEL, 1, "bench=" + DaemonHome.LABEL);
      Poll.until("the daemon to activate the sample model", settings.timeout(), Duration.ofMillis(100), () -> {
        agent.requireAlive();
        return api.rollout(id).path("counts").path("active").asInt() == 1;
      });
    }
    awaitOffline();
    Progress.log(NAME, "sample model installed in the daemon's data dir by a rollout");
  }

  private FootprintReport.Measured measureAgent(JvmFlagSet flags, List<String> extraOptions) throws Exception {
    String name = "agent-" + flags.name() + (extraOptions.isEmpty() ? "" : "-nmt");
    try (ChildJvm agent = startAgent(name, flags, extraOptions)) {
      Poll.until("the daemon to go online", settings.timeout(), Duration.ofMillis(100), () -> {
        agent.requireAlive();
        return online();
      });
      return settleAndMeasure(agent, !extraOptions.isEmpty());
    } finally {
      awaitOffline();
    }
  }

  private FootprintReport.Measured measureProbe(JvmFlagSet flags, List<String> extraOptions, List<String> args)
      throws Exception {
    String classpath = args.get(0).equals("idle") ? probeClasses.toString()
        : probeClasses + File.pathSeparator + AgentClasspath.onnxRuntimeJar();
    List<String> options = new ArrayList<>(extraOptions);
    options.add("-Djava.io.tmpdir=" + tmpDir());
    options.add("-Donnxruntime.native.path=" + home.onnxRuntimeNatives());
    String name = "probe-" + args.get(0) + "-" + flags.name() + (extraOptions.isEmpty() ? "" : "-nmt");
    try (ChildJvm probe = ChildJvm.start(name, workDir.resolve("logs"), flags, options, classpath,
        FootprintProbe.class.getName(), args)) {
      probe.awaitOutput("ready", settings.timeout());
      return settleAndMeasure(probe, !extraOptions.isEmpty());
    }
  }

  private FootprintReport.Measured settleAndMeasure(ChildJvm process, boolean accounting) throws Exception {
    Thread.sleep(settings.settle().toMillis());
    process.requireAlive();
    ProcessMemory.Sample sample = ProcessMemory.sample(process.pid());
    List<ProcessMemory.Mapping> mappings = ProcessMemory.residentByMapping(process.pid());
    return new FootprintReport.Measured(sample, mappings, accounting ? NativeMemorySummary.of(process.pid()) : null);
  }

  private ChildJvm startAgent(String name, JvmFlagSet flags, List<String> extraOptions) throws IOException {
    List<String> options = new ArrayList<>(extraOptions);
    options.add("-Djava.io.tmpdir=" + tmpDir());
    return ChildJvm.start(name, workDir.resolve("logs"), flags, options, AgentClasspath.agent(), DAEMON,
        List.of("--config", home.config().toString()));
  }

  private boolean online() throws Exception {
    JsonNode d = api.device(DaemonHome.DEVICE);
    return d != null && d.path("online").asBoolean();
  }

  // A stopped daemon marks itself offline; the next start is known to be up once it is online again.
  private void awaitOffline() throws Exception {
    Poll.until("the stopped daemon to be offline", settings.timeout(), Duration.ofMillis(100), () -> !online());
  }

  /** Copies the probe's class file out of the runner, so a probe's class path holds nothing else. */
  private void extractProbe() throws IOException {
    String resource = FootprintProbe.class.getName().replace('.', '/') + ".class";
    Path target = probeClasses.resolve(resource);
    Files.createDirectories(target.getParent());
    try (InputStream in = FootprintProbe.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("class file " + resource + " not found on the class path");
      }
      Files.copy(in, target);
    }
  }

  private Path tmpDir() throws IOException {
    return Files.createDirectories(workDir.resolve("tmp"));
  }
}
