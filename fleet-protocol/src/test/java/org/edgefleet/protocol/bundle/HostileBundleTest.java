package org.edgefleet.protocol.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.edgefleet.protocol.bundle.BundleException.Reason;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.protocol.trust.TrustStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a bundle can lie, and the reason the reader gives for it. */
class HostileBundleTest {

  @TempDir Path dir;
  SigningKey key;
  BundleReader reader;

  @BeforeEach
  void setUp() {
    key = SigningKey.generate(KeyRole.PACKAGER);
    reader = readerTrusting(TrustStore.of(key.publicKey()));
  }

  BundleReader readerTrusting(TrustStore trust) {
    return new BundleReader(trust, BundleLimits.DEFAULT, Clock.fixed(TestBundles.NOW, ZoneOffset.UTC));
  }

  @Test
  void unknownKey() throws Exception {
    Path bundle = TestBundles.write(dir, SigningKey.generate(KeyRole.PACKAGER), 1);
    assertReason(() -> reader.verify(bundle), Reason.UNKNOWN_KEY);
  }

  @Test
  void revokedKey() throws Exception {
    Path bundle = TestBundles.write(dir, key, 1);
    BundleReader revoking = readerTrusting(TrustStore.of(key.publicKey()).toBuilder().revoke(key.keyId()).build());
    assertReason(() -> revoking.verify(bundle), Reason.REVOKED_KEY);
  }

  @Test
  void serverKeyCannotSignBundles() throws Exception {
    SigningKey server = new SigningKey(Arrays.copyOf(new byte[] {1}, 32), KeyRole.SERVER);
    Path bundle = TestBundles.write(dir, key, 1);
    Map<String, byte[]> entries = entries(bundle);
    entries.put(BundleFormat.SIGNATURE, signatureJson(server.keyId(), server.sign(entries.get(BundleFormat.MANIFEST))));
    assertReason(() -> readerTrusting(TrustStore.of(key.publicKey(), server.publicKey())).verify(rewrite(entries)),
        Reason.BAD_SIGNATURE);
  }

  @Test
  void manifestChangedAfterSigning() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    String manifest = new String(entries.get(BundleFormat.MANIFEST), StandardCharsets.UTF_8);
    entries.put(BundleFormat.MANIFEST, manifest.replace("\"version\" : 1", "\"version\" : 9").getBytes(StandardCharsets.UTF_8));
    assertReason(() -> reader.verify(rewrite(entries)), Reason.BAD_SIGNATURE);
  }

  @Test
  void tamperedModelFile() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    byte[] model = entries.get("model.onnx");
    model[10] ^= 1;
    assertReason(() -> reader.verify(rewrite(entries)), Reason.HASH_MISMATCH);
  }

  @Test
  void modelLargerThanDeclared() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    byte[] model = entries.get("model.onnx");
    entries.put("model.onnx", Arrays.copyOf(model, model.length + 1));
    assertReason(() -> reader.verify(rewrite(entries)), Reason.SIZE_MISMATCH);
  }

  @Test
  void modelSmallerThanDeclared() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    byte[] model = entries.get("model.onnx");
    entries.put("model.onnx", Arrays.copyOf(model, model.length - 1));
    assertReason(() -> reader.verify(rewrite(entries)), Reason.SIZE_MISMATCH);
  }

  @Test
  void truncatedBundle() throws Exception {
    Path bundle = TestBundles.write(dir, key, 1);
    byte[] bytes = Files.readAllBytes(bundle);
    for (int cut : new int[] {0, 10, bytes.length / 2, bytes.length - 30}) {
      Path truncated = dir.resolve("truncated-" + cut + ".zip");
      Files.write(truncated, Arrays.copyOf(bytes, cut));
      assertThatThrownBy(() -> reader.verify(truncated)).isInstanceOf(BundleException.class)
          .satisfies(e -> assertThat(((BundleException) e).reason()).isIn(Reason.MALFORMED, Reason.MISSING_FILE));
    }
  }

  @Test
  void entryPathEscapingTheBundle() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    entries.put("../../etc/evil", new byte[] {1});
    Path target = Files.createDirectory(dir.resolve("target"));
    assertReason(() -> reader.extract(rewrite(entries), target), Reason.PATH_ESCAPE);
    assertThat(dir.resolve("etc")).doesNotExist();
    for (String bad : List.of("/abs/path", "a\\b", "sub/../../x", ".hidden", "a//b")) {
      assertThat(BundlePaths.isSafe(bad)).as(bad).isFalse();
    }
  }

  @Test
  void unlistedAndDuplicateEntries() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    entries.put("extra.bin", new byte[] {1});
    assertReason(() -> reader.verify(rewrite(entries)), Reason.UNEXPECTED_ENTRY);
  }

  @Test
  void missingFile() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    entries.remove("model.onnx");
    assertReason(() -> reader.verify(rewrite(entries)), Reason.MISSING_FILE);
  }

  @Test
  void expiredBundle() throws Exception {
    Path bundle = TestBundles.write(dir, key, 1);
    BundleReader later = new BundleReader(TrustStore.of(key.publicKey()), BundleLimits.DEFAULT,
        Clock.fixed(TestBundles.NOW.plus(Duration.ofDays(31)), ZoneOffset.UTC));
    assertReason(() -> later.verify(bundle), Reason.EXPIRED);
  }

  @Test
  void bundleOverTheLimit() throws Exception {
    Path bundle = TestBundles.write(dir, key, 1);
    BundleReader small = new BundleReader(TrustStore.of(key.publicKey()), BundleLimits.DEFAULT.withMaxBundleBytes(100),
        Clock.fixed(TestBundles.NOW, ZoneOffset.UTC));
    assertReason(() -> small.verify(bundle), Reason.TOO_LARGE);
  }

  @Test
  void manifestNotFirst() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    Map<String, byte[]> reordered = new LinkedHashMap<>();
    reordered.put("model.onnx", entries.remove("model.onnx"));
    reordered.putAll(entries);
    assertReason(() -> reader.verify(rewrite(reordered)), Reason.MALFORMED);
  }

  @Test
  void garbageAndEmptyFiles() throws Exception {
    Path garbage = dir.resolve("garbage.zip");
    Files.write(garbage, "this is not a zip at all".repeat(10).getBytes(StandardCharsets.UTF_8));
    assertReason(() -> reader.verify(garbage), Reason.MALFORMED);
    Path empty = Files.createFile(dir.resolve("empty.zip"));
    assertReason(() -> reader.verify(empty), Reason.MALFORMED);
  }

  @Test
  void manifestThatIsNotJsonOrMissesFields() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    for (String bad : List.of("{", "[]", "{\"schema\":1}", "{\"schema\":2,\"name\":\"x\"}")) {
      byte[] manifest = bad.getBytes(StandardCharsets.UTF_8);
      entries.put(BundleFormat.MANIFEST, manifest);
      entries.put(BundleFormat.SIGNATURE, signatureJson(key.keyId(), key.sign(manifest)));
      assertReason(() -> reader.verify(rewrite(entries)), Reason.MALFORMED);
    }
  }

  @Test
  void missingOrForgedSignatureEntry() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    byte[] manifest = entries.get(BundleFormat.MANIFEST);
    Map<String, byte[]> unsigned = new LinkedHashMap<>(entries);
    unsigned.remove(BundleFormat.SIGNATURE);
    assertReason(() -> reader.verify(rewrite(unsigned)), Reason.MALFORMED);

    SigningKey other = SigningKey.generate(KeyRole.PACKAGER);
    entries.put(BundleFormat.SIGNATURE, signatureJson(key.keyId(), other.sign(manifest)));
    assertReason(() -> reader.verify(rewrite(entries)), Reason.BAD_SIGNATURE);
    entries.put(BundleFormat.SIGNATURE, signatureJson(key.keyId(), new byte[0]));
    assertReason(() -> reader.verify(rewrite(entries)), Reason.BAD_SIGNATURE);
    entries.put(BundleFormat.SIGNATURE, ("{\"v\":1,\"algorithm\":\"ed25519\",\"keyId\":\"" + key.keyId()
        + "\",\"signature\":\"not base64!\"}").getBytes(StandardCharsets.UTF_8));
    assertReason(() -> reader.verify(rewrite(entries)), Reason.MALFORMED);
    entries.put(BundleFormat.SIGNATURE, new byte[0]);
    assertReason(() -> reader.verify(rewrite(entries)), Reason.MALFORMED);
  }

  @Test
  void duplicateEntries() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    // ZipOutputStream refuses duplicate names, so write a near twin and rename it in the bytes.
    entries.put("model.onnX", entries.get("model.onnx"));
    Path twin = rewrite(entries);
    byte[] bytes = Files.readAllBytes(twin);
    byte[] from = "model.onnX".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i + from.length <= bytes.length; i++) {
      if (Arrays.equals(bytes, i, i + from.length, from, 0, from.length)) {
        bytes[i + from.length - 1] = 'x';
      }
    }
    Files.write(twin, bytes);
    assertReason(() -> reader.verify(twin), Reason.UNEXPECTED_ENTRY);
    assertThatThrownBy(() -> reader.verify(twin)).hasMessageContaining("'model.onnx' appears twice");
  }

  @Test
  void zipBombsStopAtTheDeclaredSizes() throws Exception {
    byte[] bomb = new byte[64 << 20]; // 64 MiB of zeros deflate to about 64 KiB
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    entries.put("model.onnx", bomb);
    Path modelBomb = rewrite(entries);
    assertThat(Files.size(modelBomb)).isLessThan(1 << 20);
    assertReason(() -> reader.verify(modelBomb), Reason.SIZE_MISMATCH);

    Arrays.fill(bomb, (byte) ' ');
    Map<String, byte[]> manifestBomb = entries(TestBundles.write(dir, key, 1));
    manifestBomb.put(BundleFormat.MANIFEST, bomb);
    assertReason(() -> reader.verify(rewrite(manifestBomb)), Reason.TOO_LARGE);
  }

  @Test
  void endRecordPointingPastTheEnd() throws Exception {
    // Found by BundleReaderFuzzTest: ZipFile threw a bare EOFException, which escaped as an I/O error.
    Path input = Path.of(getClass().getResource("BundleReaderFuzzTestInputs/bundleFile/end-record-past-eof.zip").toURI());
    assertReason(() -> reader.verify(input), Reason.MALFORMED);
  }

  @Test
  void signedManifestsWhoseNewFieldsLieAreMalformed() throws Exception {
    Map<String, byte[]> entries = entries(TestBundles.write(dir, key, 1));
    String good = new String(entries.get(BundleFormat.MANIFEST), StandardCharsets.UTF_8);
    String shape = "\"shape\" : [ -1, 2 ]";
    String summary = "\"summary\" : \"feature\"";
    assertThat(good).contains(shape, "\"tolerance\" : 1.0E-4", summary);
    List<String> lies = List.of(
        good.replaceFirst(java.util.regex.Pattern.quote(shape), shape + ", \"dims\" : [ \"batch\" ]"),
        good.replaceFirst(java.util.regex.Pattern.quote(shape), shape + ", \"dims\" : [ \"batch\", \"two\" ]"),
        good.replace("\"tolerance\" : 1.0E-4", "\"tolerance\" : 1.0E-4, \"stateFrom\" : { \"features\" : \"score\" }"),
        good.replace("\"tolerance\" : 1.0E-4", "\"tolerance\" : 1.0E-4, \"stateFrom\" : { \"ghost\" : \"score\" }"),
        good.replace(summary, "\"summary\" : \"channel\""),
        good.replace(summary, "\"summary\" : \"median\""),
        good.replace(summary, "\"summary\" : \"channel\", \"axis\" : 1, \"index\" : -3"),
        good.replace(summary, "\"summary\" : \"channel\", \"axis\" : 1, \"index\" : 2"));
    for (String lie : lies) {
      assertThat(lie).isNotEqualTo(good);
      byte[] manifest = lie.getBytes(StandardCharsets.UTF_8);
      entries.put(BundleFormat.MANIFEST, manifest);
      entries.put(BundleFormat.SIGNATURE, signatureJson(key.keyId(), key.sign(manifest)));
      assertReason(() -> reader.verify(rewrite(entries)), Reason.MALFORMED);
    }
  }

  private void assertReason(ThrowingCall call, Reason reason) {
    assertThatThrownBy(call::run).isInstanceOf(BundleException.class)
        .satisfies(e -> assertThat(((BundleException) e).reason()).as(e.getMessage()).isEqualTo(reason))
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  static byte[] signatureJson(String keyId, byte[] signature) {
    return Json.write(new BundleSignature(1, "ed25519", keyId, Base64.getEncoder().encodeToString(signature)));
  }

  static Map<String, byte[]> entries(Path bundle) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(bundle))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        out.put(e.getName(), zip.readAllBytes());
      }
    }
    return out;
  }

  private int rewrites;

  Path rewrite(Map<String, byte[]> entries) throws IOException {
    Path out = dir.resolve("rewritten-" + (rewrites++) + ".zip");
    try (OutputStream file = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(file)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return out;
  }
}
