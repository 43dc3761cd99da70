package org.edgefleet.packager.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "sample", header = "Build the sample motor-anomaly model and calibration data.", description = {
    "Build the sample motor-anomaly model: generate data, train, and write",
    SampleModel.MODEL_FILE + ", " + SampleModel.INT8_MODEL_FILE + " and " + SampleModel.CALIBRATION_FILE + "."})
final class SampleCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  private boolean help;

  @Option(names = "--out", defaultValue = "sample", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
  private Path out;

  @Option(names = "--seed", defaultValue = "" + SampleModel.DEFAULT_SEED,
      description = "Seed for data, split and training; the same seed writes the same files (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Override
  public Integer call() throws Exception {
    spec.commandLine().getErr().println("generating data and training the sample model ...");
    spec.commandLine().getErr().flush();
    SampleModelReport report = SampleModel.build(out, seed);
    spec.commandLine().getOut().println(report.summary());
    return PackagerCli.OK;
  }
}
