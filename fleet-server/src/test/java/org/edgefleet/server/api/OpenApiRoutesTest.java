package org.edgefleet.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.edgefleet.protocol.json.Json;
import org.junit.jupiter.api.Test;

/** The OpenAPI description and the router describe the same API. */
class OpenApiRoutesTest {

  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @Test
  void everyDescribedOperationIsRoutedAndEveryRouteIsDescribed() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      // Routes only keep their services; none is called here.
      Router router = HttpApi.router(vertx, new HttpApi.Services(null, null, null, null, null, null, null, null, new byte[0], () -> true, 1,
          java.util.List.of(), null, null, null, null, null, null, null, null));
      assertThat(routed(router)).isEqualTo(described());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyOperationHasAnIdAndEveryErrorAnswerIsAnErrorBody() throws Exception {
    JsonNode paths = openApi().get("paths");
    Set<String> ids = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = paths.fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      for (Iterator<Map.Entry<String, JsonNode>> o = path.getValue().fields(); o.hasNext(); ) {
        Map.Entry<String, JsonNode> op = o.next();
        if (!METHODS.contains(op.getKey())) {
          continue;
        }
        assertThat(ids.add(op.getValue().path("operationId").asText())).as(op.getKey() + " " + path.getKey()).isTrue();
        for (Iterator<Map.Entry<String, JsonNode>> r = op.getValue().get("responses").fields(); r.hasNext(); ) {
          Map.Entry<String, JsonNode> response = r.next();
          int status = Integer.parseInt(response.getKey());
          if (status >= 400 && status != 503) {
            assertThat(response.getValue().at("/content/application~1json/schema/$ref").asText())
                .as(op.getKey() + " " + path.getKey() + " " + status).isEqualTo("#/components/schemas/Error");
          }
        }
      }
    }
  }

  private static Set<String> routed(Router router) {
    Set<String> out = new TreeSet<>();
    for (Route r : router.getRoutes()) {
      if (r.getPath() == null) {
        continue; // the cross-site guard, which runs before every route
      }
      if (r.getPath().equals("/") || r.getPath().startsWith("/ui")) {
        continue; // the dashboard's pages, not the API
      }
      String path = r.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      r.methods().forEach(m -> out.add(m.name() + " " + path));
    }
    return out;
  }

  private static Set<String> described() throws Exception {
    Set<String> out = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> p = openApi().get("paths").fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      path.getValue().fieldNames().forEachRemaining(m -> {
        if (METHODS.contains(m)) {
          out.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      });
    }
    return out;
  }

  private static JsonNode openApi() throws Exception {
    return Json.mapper().readTree(SystemRoutes.openApi());
  }
}
