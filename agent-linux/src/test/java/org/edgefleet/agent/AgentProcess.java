package org.edgefleet.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.edgefleet.agent.testkit.TestAgents;
import org.edgefleet.protocol.trust.KeyFiles;

/**
 * An agent alone in a JVM, for {@link ShutdownTest}: it builds an agent, starts it unless told
 * not to, closes it when told (at once, or when a line arrives on stdin), then returns from
 * {@code main} without {@code System.exit}, so that the JVM ends only if no thread the agent
 * started is left. Before returning it names the threads still alive that would keep the JVM up.
 *
 * <p>Arguments: broker URL, data dir, packager key file, server key file, and the moment to
 * close: {@code unstarted}, {@code at-once}, {@code on-line}, or {@code leak} (as on-line, then a
 * thread of its own is left running: how the test proves it sees a JVM kept up).
 */
public final class AgentProcess {

  private AgentProcess() {}

  public static void main(String[] args) throws Exception {
    String when = args[4];
    EdgeAgent agent = TestAgents.builder("dev-shutdown", Path.of(args[1]), args[0])
        .trust(KeyFiles.trustStore(List.of(Path.of(args[2]), Path.of(args[3]))))
        .build();
    if (!when.equals("unstarted")) {
      agent.start();
    }
    System.out.println("started");
    if (when.equals("on-line") || when.equals("leak")) {
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    agent.close();
    System.out.println("closed");
    if (when.equals("leak")) {
      Thread leaked = new Thread(() -> {
        try {
          Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "leaked");
      leaked.start();
    }
    Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon() && t != Thread.currentThread())
        .forEach(t -> System.out.println("non-daemon thread left: " + t.getName()));
  }
}
