package org.edgefleet.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The simulator's command line refuses settings it cannot run with, saying which, before anything starts. */
class SimulatorCliTest {

  @Test
  void agentThreadsBelowOneAreRefusedByName() {
    StringWriter err = new StringWriter();
    CommandLine cli = SimulatorCli.commandLine().setErr(new PrintWriter(err));
    int code = cli.execute("--packager-key", "unused.pub.json", "--agent-threads", "0");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--agent-threads must be at least 1, not 0");
  }

  @Test
  void agentThreadsAreReadAsANumber() {
    StringWriter err = new StringWriter();
    int code = SimulatorCli.commandLine().setErr(new PrintWriter(err)).execute("--packager-key", "k", "--agent-threads", "many");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--agent-threads");
  }
}
