package org.edgefleet.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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

/** The operator's side of a benchmark: the fleet server's REST API over real HTTP, as a user drives it. */
public final class FleetApi {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  /** A client sending {@code token} as {@code Authorization: Bearer}. */
  public FleetApi(String baseUrl, String token) {
    this.base = baseUrl;
    this.token = token;
  }

  /** A client of the server with its first admin token, from the file the server wrote it to. */
  public static FleetApi admin(FleetServer server) throws IOException {
    return new FleetApi(server.httpUrl(), Files.readString(server.adminTokenFile()).trim());
  }

  /** Uploads a bundle; the server must register it (201). */
  public JsonNode upload(Path bundle) throws IOException, InterruptedException {
    return expect(201, "upload " + bundle.getFileName(), HttpRequest.newBuilder(uri("/api/v1/bundles"))
        .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofFile(bundle)));
  }

  /** Starts a rollout of the version to the devices the selector matches; returns its id. */
  public long createRollout(String model, int version, String selector) throws IOException, InterruptedException {
    return createRollout(model, version, selector, null);
  }

  /** Starts a rollout with a strategy object ({@code kind}, {@code stages}, {@code gates}); null is all-at-once. */
  public long createRollout(String model, int version, String selector, Map<String, Object> strategy)
      throws IOException, InterruptedException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("version", version);
    body.put("selector", selector);
    if (strategy != null) {
      body.put("strategy", strategy);
    }
    return expect(201, "create a rollout", HttpRequest.newBuilder(uri("/api/v1/rollouts"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))))
        .get("id").asLong();
  }

  public JsonNode rollout(long id) throws IOException, InterruptedException {
    return expect(200, "read rollout " + id, HttpRequest.newBuilder(uri("/api/v1/rollouts/" + id)).GET());
  }

  /** The device as the server sees it, or null while the server does not know it. */
  public JsonNode device(String id) throws IOException, InterruptedException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/v1/devices/" + id)).GET());
    return r.statusCode() == 404 ? null : parse(200, "read device " + id, r);
  }

  /** Every device the server knows, page after page. */
  public JsonNode devices() throws IOException, InterruptedException {
    ArrayNode all = Json.mapper().createArrayNode();
    String cursor = null;
    do {
      String page = "/api/v1/devices?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor);
      JsonNode body = expect(200, "list devices", HttpRequest.newBuilder(uri(page)).GET());
      all.addAll((ArrayNode) body.get("devices"));
      cursor = body.has("next") ? body.get("next").asText() : null;
    } while (cursor != null);
    return all;
  }

  /** The value of one series, named as the Prometheus text names it, e.g. {@code fleet_devices_known} or {@code x_bucket{le="2.0"}}. */
  public double prometheus(String series) throws IOException, InterruptedException {
    Double value = scrape().get(series);
    if (value == null) {
      throw new IOException("the server's /metrics has no " + series);
    }
    return value;
  }

  /** Every series of one scrape of {@code /metrics}, by its name with labels as written. */
  public Map<String, Double> scrape() throws IOException, InterruptedException {
    Map<String, Double> series = new LinkedHashMap<>();
    for (String line : send(HttpRequest.newBuilder(uri("/metrics")).GET()).body().split("\n")) {
      int space = line.lastIndexOf(' ');
      if (!line.startsWith("#") && space > 0) {
        series.put(line.substring(0, space), sampleValue(line.substring(space + 1).trim()));
      }
    }
    return series;
  }

  // Prometheus writes infinities as +Inf and -Inf, which Double.parseDouble does not read.
  private static double sampleValue(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  private JsonNode expect(int status, String what, HttpRequest.Builder request) throws IOException, InterruptedException {
    return parse(status, what, send(request));
  }

  private static JsonNode parse(int status, String what, HttpResponse<String> r) throws IOException {
    if (r.statusCode() != status) {
      throw new IOException("could not " + what + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return Json.mapper().readTree(r.body());
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(TIMEOUT).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create(base + path);
  }
}
