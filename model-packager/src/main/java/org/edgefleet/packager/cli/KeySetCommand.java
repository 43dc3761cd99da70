package org.edgefleet.packager.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.KeySet;
import org.edgefleet.protocol.trust.KeySetException;
import org.edgefleet.protocol.trust.KeySetFiles;
import org.edgefleet.protocol.trust.PublicKey;
import org.edgefleet.protocol.trust.SignedKeySet;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustedKeySet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "keyset", header = "Create, sign and check the fleet's root-signed key set.", description = {
    "A key set lists the fleet's root keys (k of n must sign the next key set), packager keys and server keys.",
    "Devices and the server trust a new key set only when a threshold of the root keys they trust signed it.",
    "Make root keys with 'keygen --role root', one per holder, each kept offline."},
    subcommands = {KeySetCommand.Create.class, KeySetCommand.Sign.class, KeySetCommand.Verify.class})
final class KeySetCommand implements Runnable {

  @Spec
  private CommandSpec spec;

  @Override
  public void run() {
    throw Inputs.usage(spec, "name a keyset command: create, sign or verify");
  }

  @Command(name = "create", header = "Write a new, unsigned key set.", description = {
      "Write key set VERSION listing the given public key files with their roles; then each root holder adds",
      "a signature with 'keyset sign'. A key left out is no longer trusted; --revoke refuses it by name."})
  static final class Create implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The key set file to write.")
    private Path out;

    @Option(names = "--version", required = true, description = "Key set version: higher than the one devices trust now.")
    private long version;

    @Option(names = "--threshold", required = true, paramLabel = "K", description = "Root keys that must sign the next key set.")
    private int threshold;

    @Option(names = "--root", required = true, split = ",", paramLabel = "KEY", description = "Root public key file; repeatable.")
    private List<Path> roots;

    @Option(names = "--key", split = ",", paramLabel = "KEY", description = "Packager or server public key file; repeatable.")
    private List<Path> keys = new ArrayList<>();

    @Option(names = "--revoke", split = ",", paramLabel = "KEY_ID", description = "Key id to refuse by name; repeatable.")
    private List<String> revoked = new ArrayList<>();

    @Option(names = "--expires-in", defaultValue = "365d", converter = DurationConverter.class, paramLabel = "DURATION",
        description = "How long devices accept it as a new key set, and trust it (default: ${DEFAULT-VALUE}).")
    private Duration expiresIn;

    @Option(names = "--force", description = "Replace an existing file.")
    private boolean force;

    @Override
    public Integer call() throws Exception {
      if (!force && Files.exists(out)) {
        throw new FileAlreadyExistsException(out.toString());
      }
      List<KeySet.Key> entries = new ArrayList<>();
      for (Path p : roots) {
        entries.add(KeySet.Key.of(publicKey(spec, "--root", p, true)));
      }
      for (Path p : keys) {
        entries.add(KeySet.Key.of(publicKey(spec, "--key", p, false)));
      }
      Instant now = Instant.now();
      KeySet ks;
      try {
        ks = new KeySet(1, version, now, now.plus(expiresIn), threshold, entries, revoked);
      } catch (IllegalArgumentException e) {
        throw Inputs.usage(spec, e.getMessage());
      }
      KeySetFiles.write(out, SignedKeySet.unsigned(ks));
      spec.commandLine().getOut().printf("key set v%d written to %s: %d root keys (threshold %d), %d other keys, expires %s%n"
          + "  unsigned: each root holder runs 'keyset sign --keyset %s --key ROOT.key'%n",
          version, out, roots.size(), threshold, keys.size(), ks.expiresAt(), out);
      return PackagerCli.OK;
    }

    private static PublicKey publicKey(CommandSpec spec, String option, Path file, boolean root) {
      Inputs.existingFile(spec, option, file);
      PublicKey k;
      try {
        k = KeyFiles.readPublic(file);
      } catch (IOException | RuntimeException e) {
        throw Inputs.usage(spec, option + ": " + e.getMessage());
      }
      if (root != (k.role() == KeyRole.ROOT)) {
        throw Inputs.usage(spec, option + ": " + file + " holds a " + k.role().wireName() + " key; "
            + (root ? "--root takes root keys (keygen --role root)" : "--key takes packager and server keys"));
      }
      return k;
    }
  }

  @Command(name = "sign", header = "Add one root key's signature to a key set.", description = {
      "Sign the key set file in place with one root key: holders sign one after the other, each on their own machine."})
  static final class Sign implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    @Option(names = "--keyset", required = true, paramLabel = "FILE", description = "The key set file to sign.")
    private Path file;

    @Option(names = "--key", required = true, paramLabel = "ROOT_KEY", description = "This holder's private root key file.")
    private Path keyFile;

    @Override
    public Integer call() throws Exception {
      SigningKey key = Inputs.signingKey(spec, "--key", keyFile);
      if (key.publicKey().role() != KeyRole.ROOT) {
        throw Inputs.usage(spec, "--key: " + keyFile + " holds a " + key.publicKey().role().wireName()
            + " key; key sets are signed with root keys");
      }
      SignedKeySet doc = KeySetFiles.read(Inputs.existingFile(spec, "--keyset", file));
      KeySet ks = doc.keySet();
      if (ks.roots().stream().noneMatch(r -> r.keyId().equals(key.keyId()))) {
        spec.commandLine().getErr().printf("warning: %s is not a root key of this key set; its signature counts only"
            + " toward the previous key set's root%n", key.keyId());
      }
      SignedKeySet signed = doc.signedBy(key);
      KeySetFiles.write(file, signed);
      Set<String> own = signed.validSigners(ks.roots());
      spec.commandLine().getOut().printf("signed key set v%d with root key %s: %d of the %d signatures its own root"
          + " needs%n", ks.version(), key.keyId(), own.size(), ks.rootThreshold());
      return PackagerCli.OK;
    }
  }

  @Command(name = "verify", header = "Check a key set as a device would.", description = {
      "Without --trusted: its own root keys' threshold of signatures and its expiry (a first key set to ship).",
      "With --trusted: the update rule a device applies, against the key set it trusts now.",
      "Exit code 1 with the reason when a device would refuse it."})
  static final class Verify implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    private boolean help;

    @Option(names = "--keyset", required = true, paramLabel = "FILE", description = "The key set file to check.")
    private Path file;

    @Option(names = "--trusted", paramLabel = "FILE", description = "The key set devices trust now.")
    private Path trusted;

    @Override
    public Integer call() throws Exception {
      SignedKeySet doc = KeySetFiles.read(Inputs.existingFile(spec, "--keyset", file));
      Instant now = Instant.now();
      TrustedKeySet result;
      if (trusted == null) {
        result = TrustedKeySet.bootstrap(doc);
        if (result.isExpired(now)) {
          throw new KeySetException(KeySetException.Reason.EXPIRED, "key set v" + result.version() + " expired at "
              + result.keySet().expiresAt());
        }
      } else {
        TrustedKeySet current = TrustedKeySet.bootstrap(KeySetFiles.read(Inputs.existingFile(spec, "--trusted", trusted)));
        result = current.update(doc, now);
        if (result == current) {
          throw new KeySetException(KeySetException.Reason.VERSION_NOT_NEWER, "it is the trusted key set itself (v"
              + current.version() + ")");
        }
      }
      KeySet ks = result.keySet();
      PrintWriter out = spec.commandLine().getOut();
      out.printf("OK: key set v%d, expires %s, root %d of %d, signed by %s%n", ks.version(), ks.expiresAt(),
          ks.rootThreshold(), ks.roots().size(), doc.validSigners(ks.roots()));
      for (KeyRole role : List.of(KeyRole.PACKAGER, KeyRole.SERVER)) {
        out.printf("  %s keys: %s%n", role.wireName(),
            ks.ofRole(role).stream().map(PublicKey::keyId).collect(Collectors.joining(", ")));
      }
      out.printf("  revoked: %s%n", ks.revoked().isEmpty() ? "none" : String.join(", ", ks.revoked()));
      return PackagerCli.OK;
    }
  }
}
