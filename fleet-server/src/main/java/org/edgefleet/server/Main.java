package org.edgefleet.server;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.edgefleet.protocol.config.DurationText;
import org.edgefleet.protocol.config.Setting;
import org.edgefleet.server.config.ServerConfig;
import org.edgefleet.server.config.Settings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line: {@code java -jar fleet-server.jar [--flag value]...}. Every flag is a
 * {@link Settings} entry, so flags, defaults and docs/configuration.md cannot drift apart.
 */
public final class Main {

  static final String PASSWORD_ENV = "FLEET_BROKER_PASSWORD";
  static final String DATABASE_PASSWORD_ENV = "FLEET_DATABASE_PASSWORD";

  private Main() {}

  public static void main(String[] args) {
    quietLogging();
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  static int run(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length > 0 && args[0].equals("backup")) {
      return new CommandLine(new BackupCommand(out, err)).setOut(out).setErr(err).execute(Arrays.copyOfRange(args, 1, args.length));
    }
    if (args.length > 0 && args[0].equals("copy-database")) {
      return new CommandLine(new CopyDatabaseCommand(out, err)).setOut(out).setErr(err)
          .execute(Arrays.copyOfRange(args, 1, args.length));
    }
    CommandLine cli = new CommandLine(spec()).setOut(out).setErr(err);
    ServerConfig config;
    try {
      ParseResult parsed = cli.parseArgs(args);
      if (CommandLine.printHelpIfRequested(parsed)) {
        return 0;
      }
      config = config(parsed);
    } catch (CommandLine.ParameterException | IllegalArgumentException e) {
      err.println("fleet-server: " + e.getMessage());
      err.println("Try --help for the flags.");
      return 2;
    }
    FleetServer server;
    try {
      server = FleetServer.start(config);
    } catch (Exception e) {
      err.println("fleet-server: cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "fleet-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  static CommandSpec spec() {
    CommandSpec spec = CommandSpec.create().name("fleet-server").mixinStandardHelpOptions(true)
        .version("EdgeFleet server " + Main.class.getPackage().getImplementationVersion());
    spec.usageMessage().description("Runs the EdgeFleet server: REST API, model registry, rollouts, telemetry and an "
        + "embedded MQTT broker (unless --broker-url names another). 'fleet-server copy-database --help' tells how to move "
        + "its database to PostgreSQL; 'fleet-server backup --help' how to back it up while it runs.");
    for (Setting<?> s : Settings.ALL) {
      OptionSpec.Builder b = OptionSpec.builder(s.flag()).description(s.description()
          + (s.defaultValue() == null || s.defaultValue() instanceof List ? "" : " Default: " + shown(s.defaultValue()) + "."));
      if (s.elementType() != null) {
        b.type(List.class).auxiliaryTypes(s.elementType()).paramLabel("<" + s.elementType().getSimpleName().toLowerCase() + ">");
      } else {
        b.type(s.type()).arity("1").paramLabel("<" + s.type().getSimpleName().toLowerCase() + ">");
      }
      if (s.type() == Duration.class) {
        b.converters(DurationText::parse); // 30s, 5m: the project's one duration syntax, not ISO-8601
      }
      if (s == Settings.BROKER_PASSWORD) {
        b.defaultValue("${env:" + PASSWORD_ENV + "}");
      }
      if (s == Settings.DATABASE_PASSWORD) {
        b.defaultValue("${env:" + DATABASE_PASSWORD_ENV + "}");
      }
      spec.addOption(b.build());
    }
    return spec;
  }

  private static String shown(Object value) {
    return value instanceof Duration d ? DurationText.format(d) : value.toString();
  }

  static ServerConfig config(ParseResult parsed) {
    ServerConfig.Builder builder = ServerConfig.builder();
    for (Setting<?> s : Settings.ALL) {
      OptionSpec option = parsed.commandSpec().findOption(s.flag());
      Object value = parsed.hasMatchedOption(s.flag()) ? parsed.matchedOptionValue(s.flag(), null) : option.getValue();
      if (value != null) {
        set(builder, s, value);
      }
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked")
  private static <T> void set(ServerConfig.Builder builder, Setting<T> setting, Object value) {
    builder.set(setting, (T) value);
  }

  // slf4j-simple reads these once; flags on the java command line still win.
  private static void quietLogging() {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "info");
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    setIfAbsent("org.slf4j.simpleLogger.log.io.moquette", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.org.eclipse.paho", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
