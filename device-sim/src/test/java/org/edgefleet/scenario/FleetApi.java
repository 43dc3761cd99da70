package org.edgefleet.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.FleetServer;

/** The operator's side of the scenarios: the server's REST API over real HTTP. */
final class FleetApi {

  /** A response: status and parsed JSON body (null when the body is not JSON). */
  record Response(int status, JsonNode body, String text) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  /** A client sending {@code token} as {@code Authorization: Bearer}. */
  FleetApi(String baseUrl, String token) {
    this.base = baseUrl;
    this.token = token;
  }

  /** A client of the server with its first admin token, from the file the server wrote it to. */
  static FleetApi admin(FleetServer server) throws IOException {
    return new FleetApi(server.httpUrl(), adminToken(server.adminTokenFile()));
  }

  /** The secret in an admin token file (the server's data-dir/admin-token unless configured otherwise). */
  static String adminToken(Path file) throws IOException {
    return Files.readString(file).trim();
  }

  String token() {
    return token;
  }

  Response uploadBundle(Path bundle) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri("/api/v1/bundles"))
        .header("Content-Type", "application/octet-stream")
        .POST(HttpRequest.BodyPublishers.ofFile(bundle)));
  }

  Response createRollout(String model, int version, String selector) throws IOException, InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("version", version);
    body.put("selector", selector);
    return createRollout(body);
  }

  /** A rollout with any body fields, e.g. {@code "incompatible": "skip"}. */
  Response createRollout(Map<String, Object> body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri("/api/v1/rollouts"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))));
  }

  Response post(String path, Object body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))));
  }

  Response put(String path, Object body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))));
  }

  Response get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  /** GET that must answer 200; returns the JSON body. */
  JsonNode getJson(String path) throws IOException, InterruptedException {
    Response r = get(path);
    if (r.status() != 200) {
      throw new IllegalStateException("GET " + path + " answered " + r.status() + ": " + r.text());
    }
    return r.body();
  }

  String getText(String path) throws IOException, InterruptedException {
    return get(path).text();
  }

  private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode json = null;
    try {
      json = Json.mapper().readTree(r.body());
    } catch (IOException notJson) {
      // Prometheus text and the like: callers read text().
    }
    return new Response(r.statusCode(), json, r.body());
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }
}
