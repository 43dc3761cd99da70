package org.edgefleet.packager.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefleet.packager.BundleVerifier;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "inspect", header = "Show a bundle's manifest (unverified).", description = {
    "Show what a bundle's manifest says. Nothing is checked: use verify before trusting it."})
final class InspectCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  private boolean help;

  @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "The bundle to show.")
  private Path bundle;

  @Option(names = "--json", description = "Print the whole manifest as JSON, test vectors and histograms included.")
  private boolean json;

  @Override
  public Integer call() throws Exception {
    Inputs.existingFile(spec, "--bundle", bundle);
    Manifest manifest = BundleVerifier.readUnverified(bundle);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new String(Json.writePretty(manifest), StandardCharsets.UTF_8));
    } else {
      out.println("(unverified) " + bundle);
      ManifestSummary.print(manifest, out);
    }
    return PackagerCli.OK;
  }
}
