package org.edgefleet.packager.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.edgefleet.packager.BundleVerifier;
import org.edgefleet.packager.model.ModelFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "verify", header = "Check a bundle as a device would.", description = {
    "Check a bundle as a device would: signature by a trusted packager key, file hashes and sizes,",
    "paths, expiry, then load the model in ONNX Runtime and run every test vector.",
    "Exit code 1 with the reason when the bundle must not be installed."})
final class VerifyCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  private boolean help;

  @Option(names = "--bundle", required = true, paramLabel = "FILE", description = "The bundle to check.")
  private Path bundle;

  @Option(names = "--trust", required = true, split = ",", paramLabel = "KEY",
      description = "Public key file(s) to trust; repeat the option or separate with commas.")
  private List<Path> trust;

  @Option(names = "--skip-test-vectors", description = "Check signature, hashes and expiry only.")
  private boolean skipTestVectors;

  @Override
  public Integer call() throws Exception {
    Inputs.existingFile(spec, "--bundle", bundle);
    BundleVerifier verifier = new BundleVerifier(Inputs.trustStore(spec, "--trust", trust));
    BundleVerifier.Verification result = verifier.verify(bundle, !skipTestVectors);

    PrintWriter out = spec.commandLine().getOut();
    out.printf("OK: %s version %d, signed by trusted key %s, bundle sha256 %s%n",
        result.manifest().name(), result.manifest().version(), result.manifest().keyId(), result.bundle().digest());
    out.println(result.testVectors()
        .map(r -> "test vectors: " + r.vectors() + " passed in "
            + ModelFiles.runtimeName(result.manifest().format()))
        .orElse("test vectors: not run (--skip-test-vectors)"));
    return PackagerCli.OK;
  }
}
