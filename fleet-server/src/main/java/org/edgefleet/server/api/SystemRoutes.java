package org.edgefleet.server.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/** The server's public key for provisioning agents, the API description and a health check. */
final class SystemRoutes {

  static final String OPENAPI_RESOURCE = "/openapi.json";

  private final Buffer serverKeyFile;
  private final Buffer openApi;
  private final BooleanSupplier mqttConnected;
  private final IntSupplier devicesKnown;

  SystemRoutes(byte[] serverKeyFile, BooleanSupplier mqttConnected, IntSupplier devicesKnown) {
    this.serverKeyFile = Buffer.buffer(serverKeyFile);
    this.openApi = Buffer.buffer(openApi());
    this.mqttConnected = mqttConnected;
    this.devicesKnown = devicesKnown;
  }

  void mount(Router router) {
    router.route(HttpMethod.GET, "/api/v1/keys/server").handler(ctx -> send(ctx, serverKeyFile));
    router.route(HttpMethod.GET, "/api/v1/openapi.json").handler(ctx -> send(ctx, openApi));
    router.route(HttpMethod.GET, "/api/v1/health").handler(this::health);
  }

  private void health(RoutingContext ctx) {
    boolean mqtt = mqttConnected.getAsBoolean();
    Http.json(ctx, mqtt ? 200 : 503, Map.of("status", mqtt ? "ok" : "mqtt_disconnected", "mqttConnected", mqtt,
        "devicesKnown", devicesKnown.getAsInt()));
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
