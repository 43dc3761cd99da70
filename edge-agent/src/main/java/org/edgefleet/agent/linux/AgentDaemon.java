package org.edgefleet.agent.linux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.edgefleet.agent.AgentListener;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.protocol.message.DeviceEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The agent as a Linux service: {@code edge-agent --config /etc/edgefleet/agent.json}. */
@Command(name = "edge-agent", mixinStandardHelpOptions = true, version = EdgeAgent.VERSION,
    description = "Runs the EdgeFleet agent: serves installed models and keeps them as the fleet server wants.")
public final class AgentDaemon implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(AgentDaemon.class);

  @Option(names = {"-c", "--config"}, required = true, description = "agent config file (JSON, see docs/agent.md)")
  private Path config;

  @Option(names = "--check", description = "validate the config and the trust keys, then exit")
  private boolean checkOnly;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command, with failures shown as one line with the reason instead of a stack trace. */
  static CommandLine commandLine() {
    return new CommandLine(new AgentDaemon()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("edge-agent: " + e.getMessage());
      log.debug("edge-agent failed", e);
      return 1;
    });
  }

  @Override
  public Integer call() throws Exception {
    DaemonConfig c = DaemonConfig.read(config);
    if (checkOnly) {
      c.toBuilder().build().close();
      System.out.println("config ok: device " + c.deviceId() + ", data dir " + c.dataDir());
      return 0;
    }
    EdgeAgent agent = start(c);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }, "edge-agent-shutdown"));
    stopped.await();
    return 0;
  }

  /** Builds and starts the agent a config file describes, with the SQLite outbox. */
  public static EdgeAgent start(DaemonConfig c) throws Exception {
    // sqlite-jdbc unpacks its native library into java.io.tmpdir unless told otherwise.
    if (System.getProperty("org.sqlite.tmpdir") == null) {
      System.setProperty("org.sqlite.tmpdir", c.effectiveNativeDir().toString());
    }
    Files.createDirectories(c.effectiveNativeDir());
    EdgeAgent agent = c.toBuilder()
        .outbox(SqliteOutbox.open(c.dataDir().resolve(SqliteOutboxProvider.FILE_NAME), c.effectiveOutboxBound(), c.effectiveOutboxSync()))
        .build();
    agent.addListener(new AgentListener() {
      @Override
      public void onEvent(DeviceEvent e) {
        if (e.result() == DeviceEvent.Result.FAILURE) {
          log.warn("update failed model={} version={} step={} reason={} details={}", e.model(), e.version(),
              e.execution().wireName(), e.reason(), e.details());
        }
      }

      @Override
      public void onActivated(String model, int version) {
        log.info("model active model={} version={}", model, version);
      }
    });
    agent.start();
    return agent;
  }
}
