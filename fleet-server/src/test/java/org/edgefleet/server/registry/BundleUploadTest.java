package org.edgefleet.server.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.Sha256;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.TestBundles;
import org.edgefleet.server.support.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundleUploadTest {

  private static final int MAX_BUNDLE = 256 * 1024;

  private Path dir;
  private final SigningKey packager = SigningKey.generate(KeyRole.PACKAGER);
  private final SigningKey revoked = SigningKey.generate(KeyRole.PACKAGER);
  private final SigningKey stranger = SigningKey.generate(KeyRole.PACKAGER);
  private FleetServer server;
  private Api api;
  private Path data;

  @BeforeAll
  void start(@TempDir Path tempDir) throws IOException {
    dir = tempDir;
    Path trusted = dir.resolve("packager.pub.json");
    Path revokedFile = dir.resolve("revoked.pub.json");
    KeyFiles.writePublic(trusted, packager.publicKey());
    KeyFiles.writePublic(revokedFile, revoked.publicKey());
    data = dir.resolve("data");
    server = FleetServer.start(TestServers.config(data).trustedPackagerKeys(List.of(trusted, revokedFile))
        .revokedKeys(List.of(revoked.keyId())).maxBundleSize(MAX_BUNDLE).build());
    api = Api.admin(server);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void validBundleIsStoredByDigestListedAndIdempotent() throws IOException {
    Path bundle = TestBundles.write(dir.resolve("valid"), packager, "listed", 1, 150_000);
    String digest = Sha256.hex(bundle);

    Api.Response first = api.upload(bundle);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    JsonNode body = first.json();
    assertThat(body.get("name").asText()).isEqualTo("listed");
    assertThat(body.get("version").asInt()).isEqualTo(1);
    assertThat(body.get("digest").asText()).isEqualTo(digest);
    assertThat(body.get("size").asLong()).isEqualTo(Files.size(bundle));
    assertThat(body.get("format").asText()).isEqualTo("onnx");
    Path blob = data.resolve("blobs/sha256").resolve(digest.substring(0, 2)).resolve(digest);
    assertThat(blob).exists().hasSameBinaryContentAs(bundle);

    Api.Response again = api.upload(bundle);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("created").asBoolean()).isFalse();

    JsonNode listed = model("listed");
    assertThat(listed.get("versions")).hasSize(1);
    assertThat(listed.get("versions").get(0).get("digest").asText()).isEqualTo(digest);
    assertThat(listed.get("versions").get(0).get("tags").get(0).asText()).isEqualTo("latest");

    JsonNode detail = api.get("/api/v1/models/listed/versions/1").json();
    assertThat(detail.get("modelFile").asText()).isEqualTo("model.onnx");
    assertThat(detail.get("chunkSize").asInt()).isEqualTo(64 * 1024);
    assertThat(detail.get("chunkCount").asInt()).isEqualTo((int) ((Files.size(bundle) + 65535) / 65536));
    assertThat(detail.get("keyId").asText()).isEqualTo(packager.keyId());
  }

  @Test
  void unusedVersionIsDeletedWithItsBlob() throws IOException {
    Path bundle = TestBundles.write(dir.resolve("del"), packager, "deletable", 1, 2000);
    assertThat(api.upload(bundle).status()).isEqualTo(201);
    String digest = Sha256.hex(bundle);

    assertThat(api.delete("/api/v1/models/deletable/versions/1").status()).isEqualTo(204);
    assertThat(data.resolve("blobs/sha256").resolve(digest.substring(0, 2)).resolve(digest)).doesNotExist();
    assertThat(api.get("/api/v1/models/deletable/versions/1").status()).isEqualTo(404);
    assertThat(api.delete("/api/v1/models/deletable/versions/1").error()).isEqualTo("version_not_found");
    assertThat(api.get("/api/v1/models/deletable/versions/one").error()).isEqualTo("bad_version");
    // The anti-rollback counter survives the delete.
    Path same = TestBundles.write(dir.resolve("del2"), packager, "deletable", 1, 3000);
    assertThat(api.upload(same).error()).isEqualTo("version_not_newer");
  }

  @Test
  void everyHostileBundleIsRefusedWithItsReasonAndNothingIsStored() throws IOException {
    Path good = TestBundles.write(dir.resolve("base"), packager, "hostile", 5, 4000);
    assertThat(api.upload(good).status()).isEqualTo(201);
    JsonNode modelsBefore = api.get("/api/v1/models").json();
    List<Path> blobsBefore = blobs();

    byte[] content = TestBundles.modelBytes("hostile", 6, 4000);
    Instant now = Instant.now();
    Manifest six = TestBundles.manifest(packager, "hostile", 6, List.of(TestBundles.entry("model.onnx", content)),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
    byte[] tampered = content.clone();
    tampered[100] ^= 1;
    Manifest lyingSize = TestBundles.manifest(packager, "hostile", 6,
        List.of(new org.edgefleet.protocol.bundle.FileEntry("model.onnx", Sha256.hex(content), content.length - 10)),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
    byte[] goodBytes = Files.readAllBytes(good);
    byte[] garbage = new byte[5000];
    new Random(7).nextBytes(garbage);
    Map<String, byte[]> escape = new LinkedHashMap<>();
    escape.put("model.onnx", content);
    escape.put("../evil.sh", "rm -rf /".getBytes());

    expect(raw("badsig", six, stranger, packager.keyId(), Map.of("model.onnx", content)), 422, "bad_signature");
    expect(TestBundles.write(dir.resolve("stranger"), stranger, "hostile", 6, 4000), 422, "unknown_key");
    expect(TestBundles.write(dir.resolve("revoked"), revoked, "hostile", 6, 4000), 422, "revoked_key");
    expect(raw("tampered", six, packager, packager.keyId(), Map.of("model.onnx", tampered)), 422, "hash_mismatch");
    expect(raw("lying", lyingSize, packager, packager.keyId(), Map.of("model.onnx", content)), 422, "size_mismatch");
    expect(raw("escape", six, packager, packager.keyId(), escape), 422, "path_escape");
    expect(file("truncated", java.util.Arrays.copyOf(goodBytes, goodBytes.length / 2)), 400, "malformed");
    expect(file("garbage", garbage), 400, "malformed");
    expect(file("empty", new byte[0]), 400, "malformed");
    expect(TestBundles.write(dir.resolve("older"), packager, "hostile", 4, 4000), 409, "version_not_newer");
    expect(TestBundles.write(dir.resolve("same"), packager, "hostile", 5, 4001), 409, "version_not_newer");
    expect(TestBundles.write(dir.resolve("expired"), packager, "hostile", 6, 4000, now.minus(Duration.ofDays(10)),
        now.minus(Duration.ofDays(1))), 422, "expired");
    expect(TestBundles.write(dir.resolve("big"), packager, "hostile", 6, MAX_BUNDLE + 10_000), 413, "too_large");

    Api.Response chunkedGarbage = api.postBytes("/api/v1/bundles", new byte[MAX_BUNDLE + 1]);
    assertThat(chunkedGarbage.status()).isEqualTo(413);

    assertThat(api.get("/api/v1/models").json()).isEqualTo(modelsBefore);
    assertThat(blobs()).isEqualTo(blobsBefore);
    try (Stream<Path> temp = Files.list(data.resolve("tmp"))) {
      assertThat(temp).isEmpty();
    }
  }

  @Test
  void keysDroppedIntoTheTrustDirectoryCountFromTheNextUpload() throws IOException {
    SigningKey newcomer = SigningKey.generate(KeyRole.PACKAGER);
    Path bundle = TestBundles.write(dir.resolve("newcomer"), newcomer, "newcomer-model", 1, 1000);
    assertThat(api.upload(bundle).error()).isEqualTo("unknown_key");
    KeyFiles.writePublic(data.resolve("trust").resolve("newcomer.json"), newcomer.publicKey());
    assertThat(api.upload(bundle).status()).isEqualTo(201);
  }

  @Test
  void unknownRoutesAnswerInJson() {
    Api.Response r = api.get("/api/v1/nothing-here");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.error()).isEqualTo("not_found");
  }

  private void expect(Path bundle, int status, String error) {
    Api.Response r = api.upload(bundle);
    assertThat(r.status()).as(bundle.getFileName() + ": " + r.body()).isEqualTo(status);
    assertThat(r.error()).as(bundle.getFileName() + ": " + r.body()).isEqualTo(error);
    assertThat(r.json().get("message").asText()).isNotBlank();
  }

  private Path raw(String name, Manifest m, SigningKey signer, String claimedKeyId, Map<String, byte[]> entries)
      throws IOException {
    return TestBundles.writeRaw(dir.resolve(name + ".bundle"), m, signer, claimedKeyId, entries);
  }

  private Path file(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name + ".bundle"), bytes);
  }

  private JsonNode model(String name) {
    for (JsonNode m : api.get("/api/v1/models").json().get("models")) {
      if (m.get("name").asText().equals(name)) {
        return m;
      }
    }
    throw new AssertionError("model " + name + " is not listed");
  }

  private List<Path> blobs() throws IOException {
    try (Stream<Path> s = Files.walk(data.resolve("blobs"))) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }
}
