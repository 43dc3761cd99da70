package org.edgefleet.packager.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Checks of user-given files, failing as usage errors that name the option. */
final class Inputs {

  private Inputs() {}

  static Path existingFile(CommandSpec spec, String option, Path file) {
    if (file != null && !Files.isRegularFile(file)) {
      throw usage(spec, option + ": " + file + (Files.exists(file) ? " is not a regular file" : " does not exist"));
    }
    return file;
  }

  static SigningKey signingKey(CommandSpec spec, String option, Path file) {
    existingFile(spec, option, file);
    try {
      return KeyFiles.readPrivate(file);
    } catch (IOException | RuntimeException e) {
      throw usage(spec, option + ": " + e.getMessage());
    }
  }

  static TrustStore trustStore(CommandSpec spec, String option, List<Path> files) {
    List<Path> checked = new ArrayList<>();
    for (Path file : files) {
      checked.add(existingFile(spec, option, file));
    }
    try {
      return KeyFiles.trustStore(checked);
    } catch (IOException | RuntimeException e) {
      throw usage(spec, option + ": " + e.getMessage());
    }
  }

  static CommandLine.ParameterException usage(CommandSpec spec, String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
