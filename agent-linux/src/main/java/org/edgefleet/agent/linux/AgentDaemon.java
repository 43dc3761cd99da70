package org.edgefleet.agent.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.edgefleet.agent.AgentListener;
import org.edgefleet.agent.AgentSettings;
import org.edgefleet.agent.EdgeAgentBuilder;
import org.edgefleet.agent.EdgeAgent;
import org.edgefleet.agent.localapi.LocalApiServer;
import org.edgefleet.agent.outbox.OutboxProvider;
import org.edgefleet.protocol.retry.Backoff;
import org.edgefleet.agent.transport.MqttOptions;
import org.edgefleet.agent.transport.CoapOptions;
import org.edgefleet.agent.transport.CoapTransportFactory;
import org.edgefleet.agent.transport.MqttTransportFactory;
import org.edgefleet.agent.transport.TransportFactory;
import org.edgefleet.protocol.message.DeviceEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The agent as a Linux service: {@code edge-agent --config /etc/edgefleet/agent.json}; with
 * {@code predict}, one prediction on an installed model ({@link PredictCommand}).
 */
@Command(name = "edge-agent", mixinStandardHelpOptions = true, version = EdgeAgent.VERSION,
    subcommands = PredictCommand.class,
    description = "Runs the EdgeFleet agent: serves installed models and keeps them as the fleet server wants.")
public final class AgentDaemon implements Callable<Integer> {

  @Option(names = {"-c", "--config"}, required = true, description = "agent config file (JSON, see docs/agent.md)")
  private Path config;

  @Option(names = "--check", description = "validate the config and the trust keys, then exit")
  private boolean checkOnly;

  Path configFile() {
    return config;
  }

  public static void main(String[] args) {
    configureLogging();
    System.exit(commandLine().execute(args));
  }

  /**
   * Timestamped lines at info, as the server logs: slf4j-simple reads these once, and flags on
   * the java command line still win. Embedders (simulator, tests) keep their own settings.
   */
  private static void configureLogging() {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.log.org.eclipse.paho", "warn");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The command, with failures shown as one line with the reason instead of a stack trace. */
  static CommandLine commandLine() {
    return new CommandLine(new AgentDaemon()).setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("edge-agent: " + e.getMessage());
      log().debug("event=daemon_failed", e);
      return 1;
    });
  }

  @Override
  public Integer call() throws Exception {
    DaemonConfig c = DaemonConfig.read(config);
    if (checkOnly) {
      build(c).close();
      System.out.println("config ok: device " + c.deviceId() + ", data dir " + c.dataDir());
      return 0;
    }
    AutoCloseable renewal = enroll(c);
    EdgeAgent agent;
    AutoCloseable localApi;
    try {
      agent = start(c);
    } catch (Exception e) {
      closeQuietly(renewal);
      throw e;
    }
    try {
      localApi = startLocalApi(agent, c);
    } catch (Exception e) {
      agent.close();
      closeQuietly(renewal);
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      closeQuietly(localApi);
      agent.close();
      closeQuietly(renewal);
      stopped.countDown();
    }, "edge-agent-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Starts the local inference endpoint the config's {@code localApi} block describes; nothing
   * (a no-op handle) when the block is absent.
   */
  public static AutoCloseable startLocalApi(EdgeAgent agent, DaemonConfig c) throws IOException {
    if (c.localApi().isEmpty()) {
      return () -> { };
    }
    return LocalApiServer.start(agent, c.localApi().get());
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      log().warn("event=local_api_close_failed reason={}", e.toString());
    }
  }

  /**
   * With {@code enrollUrl} in the config: enrolls the device unless it holds a certificate (waiting,
   * with the agent's backoff, while the server is unreachable or an operator has not accepted it)
   * and starts renewing the certificate before it expires; the handle stops the renewal. Without
   * {@code enrollUrl}, nothing to do (a no-op handle).
   *
   * @throws IOException when the server refuses the enrollment (bad, used or expired token, revoked device)
   */
  public static AutoCloseable enroll(DaemonConfig c) throws IOException, InterruptedException {
    String url = c.get(DaemonSettings.ENROLL_URL);
    if (url == null) {
      return () -> { };
    }
    DeviceEnrollment enrollment = new DeviceEnrollment(url, c.get(DaemonSettings.ENROLL_TOKEN), c.deviceId(),
        DeviceEnrollment.IdentityFiles.in(c.dataDir()), Clock.systemUTC());
    enrollment.ensureEnrolled(new Backoff(c.get(AgentSettings.RECONNECT_BASE), c.get(AgentSettings.RECONNECT_MAX)));
    return new CertificateRenewal(enrollment, Clock.systemUTC()).start();
  }

  /** Builds and starts the agent a config file describes. */
  public static EdgeAgent start(DaemonConfig c) throws Exception {
    EdgeAgent agent = build(c);
    agent.addListener(new AgentListener() {
      @Override
      public void onEvent(DeviceEvent e) {
        if (e.result() == DeviceEvent.Result.FAILURE) {
          log().warn("event=update_failed model={} version={} step={} reason={} details=\"{}\"", e.model(), e.version(),
              e.execution().wireName(), e.reason(), e.details());
        }
      }

      @Override
      public void onActivated(String model, int version) {
        log().info("event=model_active model={} version={}", model, version);
      }
    });
    agent.start();
    return agent;
  }

  /** The agent a config file describes: its transport, the engines on the class path, the SQLite outbox. */
  static EdgeAgent build(DaemonConfig c) throws Exception {
    OutboxProvider sqlite = SqliteOutbox.inDataDir(c.get(DaemonSettings.OUTBOX_SYNC_EVERY_COMMIT));
    EdgeAgentBuilder b = c.toBuilder();
    DeviceEnrollment.IdentityFiles identity = DeviceEnrollment.IdentityFiles.in(c.dataDir());
    boolean enrolled = c.get(DaemonSettings.ENROLL_URL) != null && Files.exists(identity.certificate());
    TransportFactory transport = switch (Link.of(c.get(DaemonSettings.TRANSPORT))) {
      case MQTT -> {
        // Enrolled: the device's certificate unless the file names others.
        if (enrolled && c.get(MqttOptions.TLS_CA) == null) {
          b.set(MqttOptions.TLS_CA, identity.ca()).set(MqttOptions.TLS_CERTIFICATE, identity.certificate())
              .set(MqttOptions.TLS_KEY, identity.key());
        }
        yield new MqttTransportFactory();
      }
      case COAP -> {
        // Enrolled, over DTLS, without a PSK or files of its own: the same certificate as over MQTT.
        if (enrolled && c.get(CoapOptions.SERVER_URL).startsWith("coaps://") && c.get(CoapOptions.PSK_KEY) == null
            && c.get(CoapOptions.DTLS_CERTIFICATE) == null) {
          b.set(CoapOptions.DTLS_CA, identity.ca()).set(CoapOptions.DTLS_CERTIFICATE, identity.certificate())
              .set(CoapOptions.DTLS_KEY, identity.key());
        }
        yield new CoapTransportFactory();
      }
    };
    return b.transport(transport).outbox((dataDir, bound) -> {
      // sqlite-jdbc unpacks its native library into java.io.tmpdir unless told otherwise.
      if (System.getProperty("org.sqlite.tmpdir") == null) {
        System.setProperty("org.sqlite.tmpdir", Files.createDirectories(c.effectiveNativeDir()).toString());
      }
      return sqlite.open(dataDir, bound);
    }).build();
  }

  /** The config file's {@code transport}. */
  enum Link {
    MQTT, COAP;

    static Link of(String name) {
      for (Link l : values()) {
        if (l.name().equalsIgnoreCase(name)) {
          return l;
        }
      }
      throw new IllegalArgumentException(DaemonSettings.TRANSPORT.name() + " must be mqtt or coap, was " + name);
    }
  }

  // Looked up when first used, not when the class loads, so main() configures slf4j-simple first.
  private static Logger log() {
    return LoggerFactory.getLogger(AgentDaemon.class);
  }
}
