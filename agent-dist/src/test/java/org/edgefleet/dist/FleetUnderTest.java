package org.edgefleet.dist;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.edgefleet.packager.BundlePackager;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.config.ServerConfig;

/**
 * A real fleet server (embedded broker, SQLite) on loopback, the operator's packager key and the
 * sample model as a signed bundle: what a device from the tarball talks to.
 */
final class FleetUnderTest implements AutoCloseable {

  static final String MODEL = "motor-anomaly";

  final FleetServer server;
  final Path packagerKey;
  final Path serverKey;
  final Path bundle;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private FleetUnderTest(FleetServer server, Path packagerKey, Path serverKey, Path bundle) {
    this.server = server;
    this.packagerKey = packagerKey;
    this.serverKey = serverKey;
    this.bundle = bundle;
  }

  static FleetUnderTest start(Path dir) throws Exception {
    SigningKey key = SigningKey.generate(KeyRole.PACKAGER);
    Path keys = Files.createDirectories(dir.resolve("keys"));
    Path packagerPub = keys.resolve("packager.pub.json");
    KeyFiles.writePublic(packagerPub, key.publicKey());
    SampleModelReport sample = SampleModel.build(Files.createDirectories(dir.resolve("sample")), SampleModel.DEFAULT_SEED);
    Path bundle = dir.resolve(MODEL + "-1.bundle");
    // The packager runs the model with ONNX Runtime here (x86_64) to write the bundle's test vectors.
    BundlePackager.builder().model(sample.model()).name(MODEL).version(1).signingKey(key)
        .calibration(sample.calibration()).build().writeTo(bundle);
    FleetServer server = FleetServer.start(ServerConfig.builder().dataDir(dir.resolve("server")).httpPort(0).mqttPort(0)
        .trustedPackagerKeys(List.of(packagerPub)).build());
    Path serverPub = keys.resolve("server.pub.json");
    KeyFiles.writePublic(serverPub, server.serverKey());
    return new FleetUnderTest(server, packagerPub, serverPub, bundle);
  }

  /** Uploads the bundle and rolls it out to every device. */
  void rollOut() throws IOException, InterruptedException {
    expect(201, send(HttpRequest.newBuilder(uri("/api/v1/bundles")).header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofFile(bundle))));
    expect(201, send(HttpRequest.newBuilder(uri("/api/v1/rollouts")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(Map.of("model", MODEL, "version", 1, "selector", ""))))));
  }

  /** The CPU architecture the device reported with its capabilities, or null before its first report. */
  String reportedArch(String deviceId) throws IOException, InterruptedException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/v1/devices/" + deviceId)).GET());
    if (r.statusCode() != 200) {
      return null;
    }
    JsonNode arch = Json.mapper().readTree(r.body()).path("capabilities").path("arch");
    return arch.isTextual() ? arch.asText() : null;
  }

  /** The model's active version the device reported to the server, or -1. */
  int reportedActiveVersion(String deviceId) throws IOException, InterruptedException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/v1/devices/" + deviceId)).GET());
    if (r.statusCode() != 200) {
      return -1;
    }
    for (JsonNode m : Json.mapper().readTree(r.body()).path("models")) {
      if (m.path("name").asText().equals(MODEL)) {
        return m.path("activeVersion").asInt(-1);
      }
    }
    return -1;
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    // The server's first admin token, from the file it wrote at its first start.
    String token = Files.readString(server.adminTokenFile()).trim();
    return http.send(request.timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void expect(int status, HttpResponse<String> r) {
    if (r.statusCode() != status) {
      throw new AssertionError(r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  private URI uri(String path) {
    return URI.create(server.httpUrl() + path);
  }

  @Override
  public void close() {
    server.close();
  }
}
