package org.edgefleet.agent.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.edgefleet.protocol.bundle.BundleFormat;
import org.edgefleet.protocol.bundle.BundleSignature;
import org.edgefleet.protocol.bundle.BundleWriter;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.ModelFormat;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;

/** Signed bundles of {@link LinearModel}s, well-formed or lying in one chosen way. */
public final class TestBundles {

  public static final String MODEL_FILE = "model.onnx";
  public static final String PADDING_FILE = "padding.bin";

  private final Path dir;
  private final SigningKey packager;
  private int written;

  public TestBundles(Path dir, SigningKey packager) {
    this.dir = dir;
    this.packager = packager;
  }

  /** The i-th sample input row. */
  public static float[] sample(int i) {
    return new float[] {0.5f + i, -1.0f + 0.25f * i, 2.0f - 0.5f * i};
  }

  public Spec spec(String name, int version) {
    return new Spec(name, version);
  }

  /** What a bundle holds; each setter makes it differ from a good bundle in one way. */
  public final class Spec {
    private final String name;
    private final int version;
    private LinearModel model;
    private int paddingBytes;
    private ModelFormat format = ModelFormat.ONNX;
    private Instant createdAt = Instant.now().minus(Duration.ofHours(1));
    private Instant expiresAt = Instant.now().plus(Duration.ofDays(30));
    private boolean wrongExpectation;

    private Spec(String name, int version) {
      this.name = name;
      this.version = version;
      this.model = LinearModel.version(version);
    }

    /** Adds a file of random bytes, so the bundle spans many chunks. */
    public Spec padding(int bytes) {
      this.paddingBytes = bytes;
      return this;
    }

    public Spec format(ModelFormat f) {
      this.format = f;
      return this;
    }

    public Spec expired() {
      this.createdAt = Instant.now().minus(Duration.ofDays(2));
      this.expiresAt = Instant.now().minus(Duration.ofDays(1));
      return this;
    }

    /** Test vectors expect something the model does not output. */
    public Spec failingTestVector() {
      this.wrongExpectation = true;
      return this;
    }

    public LinearModel model() {
      return model;
    }

    public Map<String, byte[]> files() {
      Map<String, byte[]> files = new LinkedHashMap<>();
      files.put(MODEL_FILE, model.onnx());
      if (paddingBytes > 0) {
        byte[] pad = new byte[paddingBytes];
        new Random(version * 31L + name.hashCode()).nextBytes(pad);
        files.put(PADDING_FILE, pad);
      }
      return files;
    }

    public Manifest manifest(Map<String, byte[]> files, SigningKey key) {
      List<FileEntry> entries = new ArrayList<>();
      files.forEach((path, bytes) -> entries.add(new FileEntry(path, Sha256.hex(bytes), bytes.length)));
      TensorSpec in = new TensorSpec(LinearModel.INPUT, DType.FLOAT32, List.of(-1L, (long) LinearModel.FEATURES),
          List.of("a", "b", "c"), null);
      TensorSpec probs = new TensorSpec(LinearModel.PROBABILITIES, DType.FLOAT32, List.of(-1L, (long) LinearModel.CLASSES));
      TensorSpec label = new TensorSpec(LinearModel.LABEL, DType.INT64, List.of(-1L));
      List<TestVector> vectors = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        float[] x = sample(i);
        float[] p = model.probabilities(x);
        if (wrongExpectation) {
          p = new float[] {p[1] + 0.25f, p[0]};
        }
        Tensor expectedLabel = Tensor.ofLongs(DType.INT64, new long[] {1}, new long[] {p[1] > p[0] ? 1 : 0});
        vectors.add(new TestVector(Map.of(LinearModel.INPUT, Tensor.row(x)),
            Map.of(LinearModel.PROBABILITIES, Tensor.row(p), LinearModel.LABEL, expectedLabel), 1e-4));
      }
      return new Manifest(Manifest.SCHEMA, name, version, format, MODEL_FILE,
          new Manifest.RuntimeRequirements("0.1.0", List.of(), 13), List.of(in), List.of(probs, label), null, null,
          vectors, entries, createdAt, expiresAt, key.keyId(), "test model " + name + " v" + version);
    }

    /** A well-formed bundle, written by the protocol's own writer. */
    public Path write() throws IOException {
      return write(packager);
    }

    public Path write(SigningKey key) throws IOException {
      Map<String, byte[]> files = files();
      Map<String, Path> contents = new LinkedHashMap<>();
      Path src = Files.createDirectories(dir.resolve("src-" + (written++)));
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        contents.put(f.getKey(), Files.write(src.resolve(f.getKey()), f.getValue()));
      }
      Path out = dir.resolve(name + "-v" + version + "-" + (written++) + ".bundle");
      BundleWriter.write(manifest(files, key), contents, key, out);
      return out;
    }
  }

  /** Writes zip entries as given: for bundles that lie about their content. */
  public Path writeRaw(Map<String, byte[]> entries) throws IOException {
    Path out = dir.resolve("raw-" + (written++) + ".bundle");
    try (OutputStream file = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(file)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out;
  }

  /** The entries of a signed bundle whose manifest is {@code m}, signed by {@code key}. */
  public static Map<String, byte[]> signedEntries(Manifest m, Map<String, byte[]> files, SigningKey key) {
    byte[] manifest = Json.writePretty(m);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put(BundleFormat.MANIFEST, manifest);
    entries.put(BundleFormat.SIGNATURE, signature(key.keyId(), key.sign(manifest)));
    entries.putAll(files);
    return entries;
  }

  public static byte[] signature(String keyId, byte[] signature) {
    return Json.write(new BundleSignature(1, "ed25519", keyId, Base64.getEncoder().encodeToString(signature)));
  }

  public static Map<String, byte[]> entries(Path bundle) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(bundle))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        out.put(e.getName(), zip.readAllBytes());
      }
    }
    return out;
  }
}
