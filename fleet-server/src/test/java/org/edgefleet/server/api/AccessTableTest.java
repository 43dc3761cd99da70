package org.edgefleet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.server.access.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one table of who may call what covers every route, and nothing else decides. */
class AccessTableTest {

  private Vertx vertx;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void everyRegisteredRouteHasARule() {
    Router router = router();
    int checked = 0;
    for (Route r : router.getRoutes()) {
      if (r.getPath() == null) {
        continue;
      }
      for (HttpMethod m : r.methods()) {
        assertThat(AccessTable.RULES).as(m + " " + r.getPath())
            .anyMatch(rule -> rule.names(m, r.getPath()));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(50);
  }

  @Test
  void aRouterWithARouteMissingFromTheTableIsRefused() {
    Router router = router();
    router.route(HttpMethod.POST, "/api/v1/forgotten").handler(ctx -> ctx.response().end());
    assertThatThrownBy(() -> AccessTable.requireCovers(router)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("POST /api/v1/forgotten");
  }

  @Test
  void aRequestMatchingNoRuleMatchesNothingAndTheStrictestRuleWinsWhereTwoMatch() {
    assertThat(AccessTable.match(HttpMethod.GET, "/api/v1/nothing-here")).isEmpty();
    assertThat(AccessTable.match(HttpMethod.PATCH, "/api/v1/devices/cam-1")).isEmpty();
    assertThat(AccessTable.match(HttpMethod.GET, "/api/v1/devices/cam-1/../../tokens")).isEmpty();
    assertThat(AccessTable.match(HttpMethod.GET, "/api/v1/models/m/versions/1/samples/export").orElseThrow().rule().role())
        .isEqualTo(Role.OPERATOR);
    assertThat(AccessTable.match(HttpMethod.GET, "/api/v1/models/m/versions/1/samples/7").orElseThrow().rule().role())
        .isEqualTo(Role.VIEWER);
    assertThat(AccessTable.match(HttpMethod.POST, "/api/v1/rollouts/7/pause").orElseThrow().params())
        .containsEntry("id", "7").containsEntry("action", "pause");
  }

  @Test
  void securityRulesNeedAdminAndChangesNeedAtLeastOperator() {
    for (AccessRule rule : AccessTable.RULES) {
      if (rule.role() == null) {
        continue;
      }
      if (rule.pattern().startsWith("/api/v1/tokens") || rule.pattern().startsWith("/api/v1/identities/")
          || rule.pattern().equals("/api/v1/enrollment-tokens") || rule.pattern().equals("/api/v1/audit")) {
        assertThat(rule.role()).as(rule.route()).isEqualTo(Role.ADMIN);
      }
      if (!rule.method().equals(HttpMethod.GET) && !rule.pattern().equals(SessionRoutes.SESSION)) {
        assertThat(rule.role()).as(rule.route()).isNotEqualTo(Role.VIEWER);
      }
    }
  }

  @Test
  void theOpenApiDescriptionNamesEachOperationsRoleAsTheTableDoes() throws Exception {
    JsonNode paths;
    try (InputStream in = AccessTableTest.class.getResourceAsStream("/openapi.json")) {
      paths = Json.mapper().readTree(in).get("paths");
    }
    for (AccessRule rule : AccessTable.RULES) {
      if (!rule.pattern().startsWith("/api/") && !rule.pattern().equals("/metrics")) {
        continue;
      }
      JsonNode op = paths.path(rule.pattern().replaceAll(":([A-Za-z]+)", "{$1}")).path(rule.method().name().toLowerCase(Locale.ROOT));
      assertThat(op.isMissingNode()).as(rule.route()).isFalse();
      if (rule.role() == null) {
        assertThat(op.path("security").isArray() && op.path("security").isEmpty()).as(rule.route() + " is open").isTrue();
      } else {
        assertThat(op.path("x-required-role").asText()).as(rule.route()).isEqualTo(rule.role().apiName());
      }
    }
  }

  private Router router() {
    return HttpApi.router(vertx, new HttpApi.Services(null, null, null, null, null, null, null, null, new byte[0], () -> true, 1,
        List.of(), null, null, null, null, null, null, null, null));
  }
}
