package org.edgefleet.packager.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.protocol.tensor.numpy.InputFileException;
import org.edgefleet.packager.csv.CsvFormatException;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.protocol.bundle.BundleException;
import org.edgefleet.protocol.trust.KeySetException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code model-packager}: keygen, keyset, sample, package, verify, inspect, quantize.
 *
 * <p>Exit codes: {@value #OK} success; {@value #FAILED} a bundle failed verification (the
 * reason is printed) or an operation failed; {@value #USAGE} bad options or input files
 * (missing file, CSV that does not fit the model, version below 1).
 */
@Command(name = "model-packager", mixinStandardHelpOptions = true, version = "model-packager 0.1.0",
    description = "Packages ONNX and TFLite models into signed EdgeFleet bundles, and checks bundles.",
    subcommands = {KeygenCommand.class, KeySetCommand.class, SampleCommand.class, PackageCommand.class, VerifyCommand.class,
        InspectCommand.class, QuantizeCommand.class, CommandLine.HelpCommand.class})
public final class PackagerCli implements Runnable {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests call {@code execute} on it with their own writers. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new PackagerCli());
    cli.setExecutionExceptionHandler(PackagerCli::handleFailure);
    cli.setParameterExceptionHandler(PackagerCli::handleUsageError);
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: keygen, keyset, sample, package, verify, inspect or quantize");
  }

  private static int handleUsageError(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("error: " + e.getMessage());
    CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
    err.flush();
    return USAGE;
  }

  private static int handleFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    int code;
    if (e instanceof BundleException be) {
      err.println("verification failed: " + be.reason() + ": " + be.getMessage());
      code = FAILED;
    } else if (e instanceof KeySetException ke) {
      err.println("key set refused: " + ke.reason() + ": " + ke.getMessage());
      code = FAILED;
    } else if (e instanceof NoSuchFileException) {
      err.println("error: no such file: " + e.getMessage());
      code = USAGE;
    } else if (e instanceof FileAlreadyExistsException) {
      err.println("error: " + e.getMessage() + " already exists (use --force to replace it)");
      code = USAGE;
    } else if (e instanceof PackagingException || e instanceof ModelException || e instanceof CsvFormatException
        || e instanceof InputFileException) {
      err.println("error: " + e.getMessage());
      code = USAGE;
    } else if (e instanceof IOException) {
      err.println("error: " + e.getMessage());
      code = FAILED;
    } else {
      err.println("internal error, please report it with this trace:");
      e.printStackTrace(err);
      code = FAILED;
    }
    err.flush();
    return code;
  }
}
