package org.edgefleet.scenario;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.packager.cli.PackagerCli;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.SigningKey;
import picocli.CommandLine;

/** The packager's command line run as a user runs it: arguments in, a bundle file and its printout out. */
final class PackagerCommand {

  private PackagerCommand() {}

  /** What {@code package} wrote and printed. */
  record Packaged(Path bundle, String stdout, String stderr) {}

  /**
   * {@code model-packager package ARGS --key KEY --out DIR/NAME.bundle}, with the fleet's packager key
   * written to a key file first; fails the test with the packager's own message unless it exits 0.
   */
  static Packaged packageModel(Path dir, SigningKey key, String bundleName, List<String> args) throws Exception {
    Files.createDirectories(dir);
    Path keyFile = dir.resolve("packager.key");
    if (!Files.exists(keyFile)) {
      KeyFiles.writePrivate(keyFile, key);
    }
    Path out = dir.resolve(bundleName + ".bundle");
    List<String> all = new ArrayList<>(List.of("package"));
    all.addAll(args);
    all.addAll(List.of("--key", keyFile.toString(), "--out", out.toString()));
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    CommandLine cli = PackagerCli.commandLine();
    cli.setOut(new PrintWriter(stdout, true));
    cli.setErr(new PrintWriter(stderr, true));
    int code = cli.execute(all.toArray(String[]::new));
    if (code != PackagerCli.OK) {
      throw new AssertionError("model-packager " + String.join(" ", all) + " exited " + code + ":\n" + stderr);
    }
    return new Packaged(out, stdout.toString(), stderr.toString());
  }
}
