package org.edgefleet.server.store;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for tests: Debian's server binaries run a throw-away cluster on a free
 * loopback port, one per test run, started by the first test class that needs it and stopped (by
 * {@code pg_ctl stop}) when the run ends. Each test takes a database of its own
 * ({@link #newDatabase}). Run as root, the server runs as the {@code postgres} user, which
 * PostgreSQL requires. Without the binaries ({@code apt-get install postgresql}) the classes that
 * use it are skipped, saying so; with them, a cluster that does not start fails the tests.
 */
public final class PostgresCluster implements BeforeAllCallback {

  private static final String USER = "fleet";
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static volatile Running running;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    ensureStarted(context);
  }

  /** Starts the run's cluster unless it runs; skips the calling test when there are no binaries. */
  static void ensureStarted(ExtensionContext context) throws IOException {
    Optional<Path> bin = binaries();
    Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
        + "(apt-get install postgresql): the PostgreSQL tests are skipped");
    synchronized (PostgresCluster.class) {
      if (running == null) {
        running = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent(PostgresCluster.class, k -> start(bin.get()), Running.class);
      }
    }
  }

  /** A new, empty database on the cluster. */
  public static DatabaseConfig newDatabase() {
    return newDatabase(4);
  }

  public static DatabaseConfig newDatabase(int poolSize) {
    Running r = running;
    if (r == null) {
      throw new IllegalStateException("the PostgreSQL cluster is not started: add @ExtendWith(PostgresCluster.class)");
    }
    String name = "fleet_test_" + DATABASES.incrementAndGet();
    try (Connection c = DriverManager.getConnection(r.url("postgres"), USER, null); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return new DatabaseConfig(r.url(name), USER, null, poolSize);
  }

  private static Optional<Path> binaries() throws IOException {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl")))
          .max(Comparator.comparing(b -> b.getParent().getFileName().toString()));
    }
  }

  private static Running start(Path bin) {
    try {
      boolean root = "root".equals(System.getProperty("user.name"));
      // As root the server runs as postgres, which must reach the directory: not under a home or build dir then.
      Path dir = root ? Files.createTempDirectory(Path.of("/tmp"), "fleet-pg-") : Files.createTempDirectory("fleet-pg-");
      if (root) {
        UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
        Files.setOwner(dir, postgres);
      }
      int port = freePort();
      Path data = dir.resolve("data");
      run(root, bin.resolve("initdb") + " -D " + data + " -A trust -U " + USER + " -E UTF8 --no-sync");
      // Durability is not what these tests are about: no fsync keeps them quick.
      run(root, bin.resolve("pg_ctl") + " -D " + data + " -l " + dir.resolve("log") + " -w -t 60 -o '-p " + port + " -k " + dir
          + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300' start");
      Running r = new Running(bin, dir, data, port, root);
      Runtime.getRuntime().addShutdownHook(new Thread(r::close, "postgres-test-cluster-stop"));
      return r;
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("cannot start a PostgreSQL test cluster: " + e.getMessage(), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void run(boolean asPostgres, String command) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(asPostgres ? List.of("su", "postgres", "-s", "/bin/sh", "-c", command)
        : List.of("/bin/sh", "-c", command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("'" + command + "' failed: " + output.strip());
    }
  }

  /** The started cluster; closing it stops the server and deletes its directory. */
  static final class Running implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final boolean root;
    private boolean stopped;

    Running(Path bin, Path dir, Path data, int port, boolean root) {
      this.bin = bin;
      this.dir = dir;
      this.data = data;
      this.port = port;
      this.root = root;
    }

    String url(String database) {
      return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public synchronized void close() {
      if (stopped) {
        return;
      }
      stopped = true;
      try {
        run(root, bin.resolve("pg_ctl") + " -D " + data + " -m immediate -w stop");
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      } catch (IOException | InterruptedException e) {
        System.err.println("could not stop the PostgreSQL test cluster in " + dir + ": " + e.getMessage());
      }
    }
  }
}
