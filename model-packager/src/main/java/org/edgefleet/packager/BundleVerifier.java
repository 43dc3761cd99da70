package org.edgefleet.packager;

import com.fasterxml.jackson.core.JacksonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.edgefleet.packager.onnx.ModelException;
import org.edgefleet.packager.model.LoadedModel;
import org.edgefleet.packager.model.ModelFiles;
import org.edgefleet.packager.vectors.TestVectorReport;
import org.edgefleet.packager.vectors.TestVectors;
import org.edgefleet.protocol.bundle.BundleException;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.bundle.BundleFormat;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.BundleReader;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.VerifiedBundle;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.trust.TrustStore;

/**
 * Checks a bundle the way a device will before installing it: the protocol's reader checks
 * signature, hashes, sizes, paths and expiry; then the model is loaded in ONNX Runtime and
 * must reproduce every test vector. Operators run this before they upload.
 */
public final class BundleVerifier {

  private final BundleReader reader;

  public BundleVerifier(TrustStore trust) {
    this(trust, BundleLimits.DEFAULT, Clock.systemUTC());
  }

  public BundleVerifier(TrustStore trust, BundleLimits limits, Clock clock) {
    this.reader = new BundleReader(Objects.requireNonNull(trust, "trust must not be null"),
        Objects.requireNonNull(limits, "limits must not be null"), Objects.requireNonNull(clock, "clock must not be null"));
  }

  /**
   * Verifies the bundle and, when {@code runTestVectors} is set and the model is ONNX, its test
   * vectors.
   *
   * @throws BundleException with the reason a device would refuse the bundle for; a model that
   *     does not load or misses a test vector is {@link Reason#TEST_VECTOR_FAILED}
   */
  public Verification verify(Path bundle, boolean runTestVectors) throws BundleException, IOException {
    if (!runTestVectors) {
      return new Verification(reader.verify(bundle), Optional.empty());
    }
    Path scratch = Files.createTempDirectory("edgefleet-verify");
    try {
      VerifiedBundle verified = reader.extract(bundle, scratch);
      Manifest manifest = verified.manifest();
      TestVectorReport report;
      Path modelFile = scratch.resolve(manifest.modelFile());
      try (LoadedModel model = ModelFiles.open(modelFile)) {
        if (model.format() != manifest.format()) {
          throw new BundleException(Reason.MALFORMED, "the manifest says " + manifest.format().wireName() + " but "
              + manifest.modelFile() + " is a " + model.format().wireName() + " model");
        }
        report = TestVectors.check(model, manifest.testVectors());
      } catch (ModelException e) {
        throw new BundleException(Reason.TEST_VECTOR_FAILED, "the bundled model does not run: " + e.getMessage(), e);
      }
      if (!report.passed()) {
        throw new BundleException(Reason.TEST_VECTOR_FAILED, report.failures().size() + " test vector output(s) missed: "
            + String.join("; ", report.failures().subList(0, Math.min(3, report.failures().size()))));
      }
      return new Verification(verified, Optional.of(report));
    } finally {
      deleteRecursively(scratch);
    }
  }

  /**
   * The manifest of a bundle, without checking anything: for showing what a bundle claims.
   * Never install on the strength of it. The manifest is bounded by the default limits.
   */
  public static Manifest readUnverified(Path bundle) throws BundleException, IOException {
    int maxBytes = BundleLimits.DEFAULT.maxManifestBytes();
    try (ZipFile zip = new ZipFile(bundle.toFile())) {
      ZipEntry entry = zip.getEntry(BundleFormat.MANIFEST);
      if (entry == null) {
        throw new BundleException(Reason.MALFORMED, bundle + " has no " + BundleFormat.MANIFEST + "; it is not a bundle");
      }
      byte[] bytes;
      try (InputStream in = zip.getInputStream(entry)) {
        bytes = in.readNBytes(maxBytes + 1);
      }
      if (bytes.length > maxBytes) {
        throw new BundleException(Reason.TOO_LARGE, BundleFormat.MANIFEST + " is larger than " + maxBytes + " bytes");
      }
      return Json.mapper().readValue(bytes, Manifest.class);
    } catch (ZipException e) {
      throw new BundleException(Reason.MALFORMED, bundle + " is not a zip file: " + e.getMessage(), e);
    } catch (JacksonException e) {
      throw new BundleException(Reason.MALFORMED, BundleFormat.MANIFEST + " is invalid: " + e.getOriginalMessage(), e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * A bundle that passed.
   *
   * @param bundle      the protocol's verdict: manifest, digest and size
   * @param testVectors the test vector run, empty when skipped
   */
  public record Verification(VerifiedBundle bundle, Optional<TestVectorReport> testVectors) {
    public Verification {
      Objects.requireNonNull(bundle, "bundle must not be null");
      Objects.requireNonNull(testVectors, "testVectors must not be null");
    }

    public Manifest manifest() {
      return bundle.manifest();
    }
  }
}
