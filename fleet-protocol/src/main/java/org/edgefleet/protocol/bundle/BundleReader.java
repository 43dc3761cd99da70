package org.edgefleet.protocol.bundle;

import org.edgefleet.protocol.io.Streams;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.message.BundleRef;
import org.edgefleet.protocol.transfer.ChunkPlan;
import org.edgefleet.protocol.trust.Hex;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SignatureException;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * Reads and checks a bundle in one streaming pass. The signature is checked before any model
 * byte is read, every entry is bounded by its declared size, and nothing is written outside the
 * target directory. Used by the server on upload and by the agent before install.
 */
public final class BundleReader {

  private final TrustStore trust;
  private final BundleLimits limits;
  private final Clock clock;

  public BundleReader(TrustStore trust, BundleLimits limits, Clock clock) {
    this.trust = trust;
    this.limits = limits;
    this.clock = clock;
  }

  /** A verified bundle and its chunk plan, made in the same pass. */
  public record Planned(VerifiedBundle bundle, BundleRef plan) {}

  /** Checks the bundle without writing its files anywhere. */
  public VerifiedBundle verify(Path bundle) throws BundleException, IOException {
    return read(bundle, null, 0).bundle();
  }

  /**
   * Checks the bundle and cuts it into chunks of {@code chunkSize} bytes in the same pass: the
   * server reads an upload once to verify it and make its chunk plan, and computes its digest once.
   */
  public Planned verifyAndPlan(Path bundle, int chunkSize) throws BundleException, IOException {
    if (chunkSize < ChunkPlan.MIN_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunk size must be at least " + ChunkPlan.MIN_CHUNK_SIZE + " bytes");
    }
    return read(bundle, null, chunkSize);
  }

  /**
   * Checks the bundle and writes its files into {@code targetDir} (which must exist), each
   * flushed to disk. On failure, files already written stay in targetDir for the caller to
   * delete: callers extract into a scratch directory and rename it into place only on success.
   */
  public VerifiedBundle extract(Path bundle, Path targetDir) throws BundleException, IOException {
    return read(bundle, targetDir, 0).bundle();
  }

  // chunkSize 0: no chunk plan.
  private Planned read(Path bundle, Path targetDir, int chunkSize) throws BundleException, IOException {
    long size = Files.size(bundle);
    if (size > limits.maxBundleBytes()) {
      throw new BundleException(Reason.TOO_LARGE, "bundle is " + size + " bytes, the limit is " + limits.maxBundleBytes());
    }
    List<String> directory = centralDirectory(bundle);
    MessageDigest whole = Sha256.newDigest();
    InputStream file = Files.newInputStream(bundle);
    ChunkPlan.ChunkHashing chunks = chunkSize > 0 ? new ChunkPlan.ChunkHashing(file, chunkSize) : null;
    try (InputStream raw = new DigestInputStream(chunks != null ? chunks : file, whole);
         ZipInputStream zip = new ZipInputStream(raw)) {
      byte[] manifestBytes = readSmallEntry(zip, BundleFormat.MANIFEST, limits.maxManifestBytes());
      byte[] signatureBytes = readSmallEntry(zip, BundleFormat.SIGNATURE, 64 * 1024);
      Manifest manifest = parseManifest(manifestBytes);
      checkSignature(manifest, manifestBytes, signatureBytes);
      checkManifestBounds(manifest);
      List<String> streamed = readFiles(zip, manifest, targetDir);
      if (!streamed.equals(directory)) {
        throw new BundleException(Reason.MALFORMED, "zip directory lists " + directory + " but the entries are " + streamed);
      }
      Streams.drain(raw);
      String digest = Hex.encode(whole.digest());
      return new Planned(new VerifiedBundle(manifest, digest, size), chunks != null ? chunks.plan(digest) : null);
    } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
      throw new BundleException(Reason.MALFORMED, "bundle is not a readable zip (truncated or corrupt): " + e.getMessage(), e);
    }
  }

  private byte[] readSmallEntry(ZipInputStream zip, String expected, int max) throws BundleException, IOException {
    ZipEntry entry = zip.getNextEntry();
    if (entry == null) {
      throw new BundleException(Reason.MALFORMED, "bundle has no " + expected + " entry (empty, truncated or not a bundle)");
    }
    if (!entry.getName().equals(expected)) {
      throw new BundleException(Reason.MALFORMED, "expected entry " + expected + " but found '" + entry.getName() + "'");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long n = copyBounded(zip, out, max);
    if (n > max) {
      throw new BundleException(Reason.TOO_LARGE, expected + " is larger than " + max + " bytes");
    }
    return out.toByteArray();
  }

  private static Manifest parseManifest(byte[] bytes) throws BundleException {
    try {
      return Json.mapper().readValue(bytes, Manifest.class);
    } catch (IOException | RuntimeException e) {
      throw new BundleException(Reason.MALFORMED, "manifest.json is invalid: " + rootMessage(e), e);
    }
  }

  private void checkSignature(Manifest manifest, byte[] manifestBytes, byte[] signatureBytes) throws BundleException {
    BundleSignature sig;
    byte[] signature;
    try {
      sig = Json.mapper().readValue(signatureBytes, BundleSignature.class);
      signature = Base64.getDecoder().decode(sig.signature());
    } catch (IOException | RuntimeException e) {
      throw new BundleException(Reason.MALFORMED, "manifest.sig is invalid: " + rootMessage(e), e);
    }
    if (!sig.keyId().equals(manifest.keyId())) {
      throw new BundleException(Reason.BAD_SIGNATURE, "signature is by key " + sig.keyId() + " but the manifest names " + manifest.keyId());
    }
    try {
      trust.verify(sig.keyId(), KeyRole.PACKAGER, manifestBytes, signature);
    } catch (SignatureException e) {
      Reason reason = switch (e.reason()) {
        case UNKNOWN_KEY, WRONG_ROLE -> Reason.UNKNOWN_KEY;
        case REVOKED_KEY -> Reason.REVOKED_KEY;
        case BAD_SIGNATURE -> Reason.BAD_SIGNATURE;
      };
      throw new BundleException(reason, e.getMessage(), e);
    }
  }

  private void checkManifestBounds(Manifest manifest) throws BundleException {
    if (!manifest.expiresAt().isAfter(clock.instant())) {
      throw new BundleException(Reason.EXPIRED, manifest.name() + " v" + manifest.version() + " expired at " + manifest.expiresAt());
    }
    ManifestBounds.check(manifest, limits);
  }

  /**
   * The entry names of the zip's central directory. Reading streams the local entries; checking
   * them against the directory refuses truncated zips and zips that show other tools other content.
   */
  private List<String> centralDirectory(Path bundle) throws BundleException, IOException {
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(bundle.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        names.add(entries.nextElement().getName());
        if (names.size() > limits.maxEntries()) {
          throw new BundleException(Reason.TOO_LARGE, "bundle has more than " + limits.maxEntries() + " entries");
        }
      }
    } catch (ZipException | java.io.EOFException | IllegalArgumentException e) {
      // ZipFile reports an end record that points past the end of the file as a bare EOFException.
      throw new BundleException(Reason.MALFORMED, "bundle is not a complete zip (truncated or corrupt): " + e, e);
    }
    return names;
  }

  private List<String> readFiles(ZipInputStream zip, Manifest manifest, Path targetDir) throws BundleException, IOException {
    List<String> names = new ArrayList<>(List.of(BundleFormat.MANIFEST, BundleFormat.SIGNATURE));
    Set<String> seen = new HashSet<>();
    ZipEntry entry;
    while ((entry = zip.getNextEntry()) != null) {
      String name = entry.getName();
      if (!BundlePaths.isSafe(name)) {
        throw new BundleException(Reason.PATH_ESCAPE, "entry '" + name + "' is not a plain relative path");
      }
      FileEntry declared = manifest.file(name).orElseThrow(() ->
          new BundleException(Reason.UNEXPECTED_ENTRY, "entry '" + name + "' is not listed in the manifest"));
      if (!seen.add(name)) {
        throw new BundleException(Reason.UNEXPECTED_ENTRY, "entry '" + name + "' appears twice");
      }
      readFile(zip, declared, targetDir);
      names.add(name);
    }
    for (FileEntry f : manifest.files()) {
      if (!seen.contains(f.path())) {
        throw new BundleException(Reason.MISSING_FILE, "listed file " + f.path() + " is missing from the bundle");
      }
    }
    return names;
  }

  private static void readFile(ZipInputStream zip, FileEntry declared, Path targetDir) throws BundleException, IOException {
    MessageDigest md = Sha256.newDigest();
    long n;
    if (targetDir == null) {
      n = copyBounded(new DigestInputStream(zip, md), Streams.discarding(), declared.size());
    } else {
      Path target = targetDir.resolve(declared.path()).normalize();
      if (!target.startsWith(targetDir.normalize())) {
        throw new BundleException(Reason.PATH_ESCAPE, "entry '" + declared.path() + "' escapes the target directory");
      }
      Files.createDirectories(target.getParent());
      try (FileOutputStream out = new FileOutputStream(target.toFile())) {
        n = copyBounded(new DigestInputStream(zip, md), out, declared.size());
        out.getFD().sync();
      }
    }
    if (n != declared.size()) {
      throw new BundleException(Reason.SIZE_MISMATCH, declared.path() + " is " + (n > declared.size() ? "larger" : "smaller")
          + " than the " + declared.size() + " bytes the manifest declares");
    }
    if (!Hex.encode(md.digest()).equals(declared.sha256())) {
      throw new BundleException(Reason.HASH_MISMATCH, declared.path() + " does not match its SHA-256 in the manifest");
    }
  }

  /** Copies at most max+1 bytes, so the caller sees an entry that is larger than it may be. */
  private static long copyBounded(InputStream in, OutputStream out, long max) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    while (total <= max) {
      int want = (int) Math.min(buffer.length, max + 1 - total);
      int n = in.read(buffer, 0, want);
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
      total += n;
    }
    return total;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.split("\\R", 2)[0];
  }
}
