package org.edgefleet.packager.cli;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "keygen", header = "Generate a signing key pair.", description = {
    "Generate an Ed25519 key pair: NAME.key (private, owner-only) and NAME.pub (public).",
    "Give NAME.pub to the server and devices that must trust bundles signed with NAME.key."})
final class KeygenCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  private boolean help;

  @Option(names = "--out-dir", defaultValue = ".", paramLabel = "DIR", description = "Where to write the files (default: ${DEFAULT-VALUE}).")
  private Path outDir;

  @Option(names = "--name", defaultValue = "packager", description = "File name stem (default: ${DEFAULT-VALUE}).")
  private String name;

  @Option(names = "--role", defaultValue = "packager",
      description = "What the key signs: packager (bundles), server (desired states) or root (key sets). Default: ${DEFAULT-VALUE}.")
  private String role;

  @Option(names = "--force", description = "Replace existing key files.")
  private boolean force;

  @Override
  public Integer call() throws Exception {
    KeyRole keyRole;
    try {
      keyRole = KeyRole.fromWireName(role);
    } catch (IllegalArgumentException e) {
      throw Inputs.usage(spec, "--role: " + e.getMessage());
    }
    Path privateFile = outDir.resolve(name + ".key");
    Path publicFile = outDir.resolve(name + ".pub");
    for (Path file : new Path[] {privateFile, publicFile}) {
      if (!force && Files.exists(file)) {
        throw new FileAlreadyExistsException(file.toString());
      }
    }
    Files.createDirectories(outDir);
    SigningKey key = SigningKey.generate(keyRole);
    KeyFiles.writePrivate(privateFile, key);
    KeyFiles.writePublic(publicFile, key.publicKey());
    spec.commandLine().getOut().printf("%s key %s%n  private: %s%n  public:  %s%n",
        keyRole.wireName(), key.keyId(), privateFile, publicFile);
    return PackagerCli.OK;
  }
}
