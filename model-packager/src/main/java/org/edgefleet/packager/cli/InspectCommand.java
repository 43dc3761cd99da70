package org.edgefleet.packager.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefleet.packager.BundleVerifier;
import org.edgefleet.packager.model.LoadedModel;
import org.edgefleet.packager.model.ModelFiles;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", header = "Show a bundle's manifest (unverified), or what a model file is.", description = {
    "Show what a bundle's manifest says (nothing is checked: use verify before trusting it), or, for",
    "a bare .onnx/.tflite file, what the model is: format, opset, inputs and outputs with dtypes,",
    "shapes and symbolic dimensions, quantization."})
final class InspectCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  private boolean help;

  @Option(names = "--bundle", paramLabel = "FILE", description = "The bundle to show.")
  private Path bundle;

  @Parameters(arity = "0..1", paramLabel = "FILE", description = "A bundle or a model file (told from its content).")
  private Path file;

  @Option(names = "--json", description = "Print the whole manifest as JSON, test vectors and histograms included.")
  private boolean json;

  @Override
  public Integer call() throws Exception {
    if ((bundle == null) == (file == null)) {
      throw Inputs.usage(spec, "give one file: inspect MODEL_OR_BUNDLE, or inspect --bundle FILE");
    }
    Path target = bundle != null ? bundle : file;
    Inputs.existingFile(spec, bundle != null ? "--bundle" : "FILE", target);
    PrintWriter out = spec.commandLine().getOut();
    if (bundle == null && !isZip(target)) {
      if (json) {
        throw Inputs.usage(spec, "--json shows a bundle's manifest; " + target + " is a model file");
      }
      try (LoadedModel model = ModelFiles.open(target)) {
        ModelSummary.print(target, model, out);
      }
      return PackagerCli.OK;
    }
    Manifest manifest = BundleVerifier.readUnverified(target);
    if (json) {
      out.println(new String(Json.writePretty(manifest), StandardCharsets.UTF_8));
    } else {
      out.println("(unverified) " + target);
      ManifestSummary.print(manifest, out);
    }
    return PackagerCli.OK;
  }

  private static boolean isZip(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] s = in.readNBytes(4);
      return s.length == 4 && s[0] == 'P' && s[1] == 'K' && s[2] == 3 && s[3] == 4;
    }
  }
}
