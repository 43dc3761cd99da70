package org.edgefleet.protocol.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.trust.Hex;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;

/** Writes a signed bundle: manifest, detached signature, then the listed files. */
public final class BundleWriter {

  private BundleWriter() {}

  /** The manifest entry for a file about to be bundled. */
  public static FileEntry entryFor(String bundlePath, Path file) throws IOException {
    return new FileEntry(bundlePath, Sha256.hex(file), Files.size(file));
  }

  /**
   * Writes the bundle to {@code out} atomically (a temp file renamed into place).
   *
   * @param contents the source file of every path the manifest lists
   */
  public static void write(Manifest manifest, Map<String, Path> contents, SigningKey key, Path out) throws IOException {
    if (key.publicKey().role() != KeyRole.PACKAGER) {
      throw new IllegalArgumentException("bundles are signed with a packager key, not a " + key.publicKey().role().wireName() + " key");
    }
    if (!manifest.keyId().equals(key.keyId())) {
      throw new IllegalArgumentException("manifest names key " + manifest.keyId() + " but is signed with " + key.keyId());
    }
    for (FileEntry f : manifest.files()) {
      if (!contents.containsKey(f.path())) {
        throw new IllegalArgumentException("no content given for " + f.path());
      }
    }
    byte[] manifestBytes = Json.writePretty(manifest);
    BundleSignature sig = new BundleSignature(1, "ed25519", key.keyId(),
        Base64.getEncoder().encodeToString(key.sign(manifestBytes)));

    Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
    try (OutputStream fileOut = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(fileOut)) {
      putEntry(zip, BundleFormat.MANIFEST, manifestBytes);
      putEntry(zip, BundleFormat.SIGNATURE, Json.writePretty(sig));
      for (FileEntry f : manifest.files()) {
        zip.putNextEntry(new ZipEntry(f.path()));
        copyChecked(contents.get(f.path()), f, zip);
        zip.closeEntry();
      }
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void putEntry(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  // The file may have changed since its entry was computed: a bundle must never lie.
  private static void copyChecked(Path source, FileEntry entry, OutputStream out) throws IOException {
    MessageDigest md = Sha256.newDigest();
    long total = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(source)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        md.update(buffer, 0, n);
        out.write(buffer, 0, n);
        total += n;
      }
    }
    if (total != entry.size() || !Hex.encode(md.digest()).equals(entry.sha256())) {
      throw new IOException(source + " changed after its manifest entry was computed");
    }
  }
}
