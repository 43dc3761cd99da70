package org.edgefleet.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.FleetServer;

/** A small blocking client of the server's REST API. */
public final class Api {

  /** A status and body; {@link #json()} parses the body. */
  public record Response(int status, String body) {
    public JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    public String error() {
      return json().path("error").asText();
    }
  }

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final String token;

  /** A client that sends {@code token} (null: none) as {@code Authorization: Bearer}. */
  public Api(String baseUrl, String token) {
    this.base = baseUrl;
    this.token = token;
  }

  /** A client of the server with its first admin token, read from the file the server wrote it to. */
  public static Api admin(FleetServer server) {
    return new Api(server.httpUrl(), adminToken(server));
  }

  /** The secret in the server's admin token file. */
  public static String adminToken(FleetServer server) {
    try {
      return Files.readString(server.adminTokenFile()).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("no admin token file at " + server.adminTokenFile(), e);
    }
  }

  /** The same server with another token (null: none). */
  public Api withToken(String other) {
    return new Api(base, other);
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  public Response delete(String path) {
    return send(request(path).DELETE());
  }

  public Response postJson(String path, String json) {
    return send(request(path).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Response putJson(String path, String json) {
    return send("PUT", path, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of("content-type", "application/json"));
  }

  public Response postBytes(String path, byte[] body) {
    return send(request(path).header("content-type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Response upload(Path bundle) {
    try {
      return send(request("/api/v1/bundles").header("content-type", "application/vnd.edgefleet.bundle+zip")
          .POST(HttpRequest.BodyPublishers.ofFile(bundle)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Any request with the given headers (e.g. Origin, Referer, Content-Type); a null body sends none. */
  public Response send(String method, String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b = request(path).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return send(b);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    return token == null ? b : b.header("Authorization", "Bearer " + token);
  }

  private Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
