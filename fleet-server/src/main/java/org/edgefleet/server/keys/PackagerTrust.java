package org.edgefleet.server.keys;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.PublicKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packager keys whose bundles the server accepts: key files named in the configuration (a
 * bad one stops the start) plus {@code data-dir/trust/*.json}, re-read at every upload so an
 * operator can add a key without a restart (a bad file there is skipped with a warning).
 */
public final class PackagerTrust {

  private static final Logger LOG = LoggerFactory.getLogger(PackagerTrust.class);

  private final List<PublicKey> configured;
  private final List<String> revoked;
  private final Path trustDir;
  private final TrustStore keySet;

  private PackagerTrust(List<PublicKey> configured, List<String> revoked, Path trustDir, TrustStore keySet) {
    this.configured = List.copyOf(configured);
    this.revoked = List.copyOf(revoked);
    this.trustDir = trustDir;
    this.keySet = keySet;
  }

  /** Also trusts the packager keys of the fleet's key set, and refuses the ids it revokes. */
  public PackagerTrust withKeySet(Optional<TrustStore> keySetKeys) {
    return new PackagerTrust(configured, revoked, trustDir, keySetKeys.orElse(null));
  }

  public static PackagerTrust load(List<Path> keyFiles, List<String> revokedKeyIds, Path dataDir) throws IOException {
    List<PublicKey> keys = new ArrayList<>();
    for (Path p : keyFiles) {
      try {
        keys.add(KeyFiles.readPublic(p));
      } catch (IOException | RuntimeException e) {
        throw new IOException("trusted key file " + p + " cannot be read: " + e.getMessage(), e);
      }
    }
    Path dir = Files.createDirectories(dataDir.resolve("trust"));
    return new PackagerTrust(keys, revokedKeyIds, dir, null);
  }

  /** The trust store as of now: configured keys, the trust directory, minus revoked ids. */
  public TrustStore current() {
    TrustStore.Builder b = TrustStore.builder().trust(configured.toArray(new PublicKey[0]));
    for (Path p : trustDirFiles()) {
      try {
        b.trust(KeyFiles.readPublic(p));
      } catch (IOException | RuntimeException e) {
        LOG.warn("event=trust_file_skipped file={} reason=\"{}\"", p, e.getMessage());
      }
    }
    revoked.forEach(b::revoke);
    if (keySet != null) {
      keySet.keys().stream().filter(k -> k.role() == KeyRole.PACKAGER).forEach(b::trust);
      keySet.revoked().forEach(b::revoke);
    }
    return b.build();
  }

  private List<Path> trustDirFiles() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(trustDir, "*.json")) {
      ds.forEach(files::add);
    } catch (IOException e) {
      LOG.warn("event=trust_dir_unreadable dir={} reason=\"{}\"", trustDir, e.getMessage());
    }
    files.sort(null);
    return files;
  }
}
