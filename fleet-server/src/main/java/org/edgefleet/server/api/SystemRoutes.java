package org.edgefleet.server.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.edgefleet.server.identity.CertificateWatch;

/** The server's public key for provisioning agents, the API description and a health check. */
final class SystemRoutes {

  static final String OPENAPI_RESOURCE = "/openapi.json";

  private final Buffer serverKeyFile;
  private final Buffer openApi;
  private final BooleanSupplier mqttConnected;
  private final IntSupplier devicesKnown;
  private final CertificateWatch certificates;

  /** @param certificates the server's certificates to report, or null when it has none */
  SystemRoutes(byte[] serverKeyFile, BooleanSupplier mqttConnected, IntSupplier devicesKnown, CertificateWatch certificates) {
    this.serverKeyFile = Buffer.buffer(serverKeyFile);
    this.openApi = Buffer.buffer(openApi());
    this.mqttConnected = mqttConnected;
    this.devicesKnown = devicesKnown;
    this.certificates = certificates;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/keys/server").handler(Query.only()).handler(ctx -> send(ctx, serverKeyFile));
    router.route(HttpMethod.GET, "/api/v1/openapi.json").handler(Query.only()).handler(ctx -> send(ctx, openApi));
    router.route(HttpMethod.GET, "/api/v1/health").handler(Query.only()).handler(this::health);
  }

  // An expired CA or broker certificate keeps every TLS device out: as unhealthy as a lost broker.
  private void health(RoutingContext ctx) {
    boolean mqtt = mqttConnected.getAsBoolean();
    boolean expired = certificates != null && certificates.anyExpired();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", !mqtt ? "mqtt_disconnected" : expired ? "certificate_expired" : "ok");
    body.put("mqttConnected", mqtt);
    body.put("devicesKnown", devicesKnown.getAsInt());
    if (certificates != null) {
      body.put("certificates", certificates.statuses());
    }
    Http.json(ctx, mqtt && !expired ? 200 : 503, body);
  }

  private static void send(RoutingContext ctx, Buffer body) {
    ctx.response().putHeader("content-type", Http.JSON).end(body);
  }

  static byte[] openApi() {
    try (InputStream in = SystemRoutes.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the server jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
