package org.edgefleet.server.api;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;
import static org.edgefleet.server.access.Role.ADMIN;
import static org.edgefleet.server.access.Role.OPERATOR;
import static org.edgefleet.server.access.Role.VIEWER;
import static org.edgefleet.server.api.AccessRule.needs;
import static org.edgefleet.server.api.AccessRule.open;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.edgefleet.server.api.AccessRule.Exemption;
import org.edgefleet.server.dashboard.DashboardRoutes;

/**
 * What every route needs, in one place: viewers read, operators change the fleet, admins manage
 * credentials. A request that matches no rule is refused whatever the router holds (deny by
 * default), and {@link #requireCovers} refuses to start a router with a route missing here.
 */
final class AccessTable {

  private static final String MODEL_VERSION = "/api/v1/models/:name/versions/:version";

  static final List<AccessRule> RULES = List.of(
      open(Exemption.HEALTH_PROBE, GET, "/api/v1/health"),
      open(Exemption.DEVICE_CREDENTIAL, POST, EnrollmentRoutes.ENROLL),
      open(Exemption.DEVICE_CREDENTIAL, POST, EnrollmentRoutes.RENEW),
      open(Exemption.PUBLIC_KEY, GET, "/api/v1/enrollment/ca"),
      open(Exemption.PUBLIC_KEY, GET, "/api/v1/keys/server"),
      open(Exemption.LOGIN, POST, SessionRoutes.SESSION),
      open(Exemption.DASHBOARD_PAGE, GET, "/"),
      open(Exemption.DASHBOARD_PAGE, GET, DashboardRoutes.PAGES + "webjars/*"),
      open(Exemption.DASHBOARD_PAGE, GET, DashboardRoutes.PAGES + "*"),

      needs(VIEWER, GET, SessionRoutes.SESSION),
      needs(VIEWER, DELETE, SessionRoutes.SESSION),
      needs(VIEWER, GET, "/api/v1/openapi.json"),
      needs(VIEWER, GET, "/metrics"),
      needs(VIEWER, GET, DashboardRoutes.STREAM),
      needs(VIEWER, GET, "/api/v1/devices"),
      needs(VIEWER, GET, "/api/v1/devices/:id"),
      needs(OPERATOR, PUT, "/api/v1/devices/:id/labels"),

      needs(OPERATOR, POST, BundleRoutes.UPLOAD),
      needs(VIEWER, GET, "/api/v1/models"),
      needs(VIEWER, GET, MODEL_VERSION),
      needs(OPERATOR, DELETE, MODEL_VERSION),
      needs(VIEWER, GET, MODEL_VERSION + "/sampling"),
      needs(OPERATOR, PUT, MODEL_VERSION + "/sampling"),
      needs(OPERATOR, DELETE, MODEL_VERSION + "/sampling"),
      // A dataset of the fleet's inputs at once, not a page to look at.
      needs(OPERATOR, GET, MODEL_VERSION + "/samples/export"),
      needs(VIEWER, GET, MODEL_VERSION + "/samples"),
      needs(VIEWER, GET, MODEL_VERSION + "/samples/:id"),

      needs(OPERATOR, POST, "/api/v1/rollouts"),
      needs(VIEWER, GET, "/api/v1/rollouts"),
      needs(OPERATOR, POST, "/api/v1/rollouts/:id/:action"),
      needs(VIEWER, GET, "/api/v1/rollouts/:id"),
      needs(VIEWER, GET, "/api/v1/rollouts/:id/targets"),

      needs(VIEWER, GET, "/api/v1/cohorts"),
      needs(OPERATOR, PUT, "/api/v1/cohorts/:name"),
      needs(VIEWER, GET, "/api/v1/cohorts/:name"),
      needs(OPERATOR, DELETE, "/api/v1/cohorts/:name"),

      needs(VIEWER, GET, "/api/v1/metrics/models/:name"),
      needs(VIEWER, GET, "/api/v1/metrics/resources"),
      needs(VIEWER, GET, "/api/v1/drift/models/:name/versions/:version"),
      needs(VIEWER, GET, "/api/v1/drift/models/:name/versions/:version/series"),

      needs(VIEWER, GET, "/api/v1/alerts"),
      needs(VIEWER, GET, "/api/v1/alert-rules"),
      needs(OPERATOR, PUT, "/api/v1/alert-rules/:name"),
      needs(VIEWER, GET, "/api/v1/alert-rules/:name"),
      needs(OPERATOR, DELETE, "/api/v1/alert-rules/:name"),

      needs(ADMIN, POST, "/api/v1/enrollment-tokens"),
      needs(VIEWER, GET, "/api/v1/identities"),
      needs(ADMIN, POST, "/api/v1/identities/:id/accept"),
      needs(ADMIN, POST, "/api/v1/identities/:id/revoke"),

      needs(ADMIN, GET, TokenRoutes.TOKENS),
      needs(ADMIN, POST, TokenRoutes.TOKENS),
      needs(ADMIN, POST, TokenRoutes.TOKENS + "/:id/revoke"),
      // Who did what: security information, like the tokens themselves.
      needs(ADMIN, GET, AuditRoutes.AUDIT));

  /** A rule that matched a request, and the path parameters it names. */
  record Match(AccessRule rule, Map<String, String> params) {}

  private AccessTable() {}

  /**
   * The rule of a request's method and normalized path. Where several match (a parameter segment
   * and a literal one), the one needing the most wins, so no request is ever let through by a
   * weaker rule than the route it reaches.
   */
  static Optional<Match> match(HttpMethod method, String path) {
    Match best = null;
    for (AccessRule rule : RULES) {
      if (!rule.method().equals(method)) {
        continue;
      }
      Map<String, String> params = params(rule.pattern(), path);
      if (params != null && (best == null || stricter(rule, best.rule()))) {
        best = new Match(rule, params);
      }
    }
    return Optional.ofNullable(best);
  }

  /** Whether some rule names this path with another method (so the answer is 405, not 404). */
  static boolean pathKnown(String path) {
    return RULES.stream().anyMatch(r -> params(r.pattern(), path) != null);
  }

  /** Throws naming every route of the router that has no rule here. */
  static void requireCovers(Router router) {
    List<String> missing = new ArrayList<>();
    for (Route r : router.getRoutes()) {
      if (r.getPath() == null) {
        continue; // handlers for every request: timing, audit, access, cross-site guard
      }
      if (r.methods() == null || r.methods().isEmpty()) {
        missing.add("* " + r.getPath());
        continue;
      }
      for (HttpMethod m : r.methods()) {
        if (RULES.stream().noneMatch(rule -> rule.names(m, r.getPath()))) {
          missing.add(m.name() + " " + r.getPath());
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("routes without an access rule in AccessTable: " + new TreeSet<>(missing));
    }
  }

  private static boolean stricter(AccessRule a, AccessRule b) {
    if (a.role() == null) {
      return false;
    }
    return b.role() == null || a.role().compareTo(b.role()) > 0;
  }

  // Segments as the router matches them: ":name" one non-empty segment, a final "*" the rest; one trailing slash is ignored.
  private static Map<String, String> params(String pattern, String path) {
    if (pattern.endsWith("*")) {
      String prefix = pattern.substring(0, pattern.length() - 1);
      return path.startsWith(prefix) || (path + "/").equals(prefix) ? Map.of() : null;
    }
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String[] want = pattern.split("/", -1);
    String[] got = p.split("/", -1);
    if (want.length != got.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < want.length; i++) {
      if (want[i].startsWith(":")) {
        if (got[i].isEmpty()) {
          return null;
        }
        params.put(want[i].substring(1), got[i]);
      } else if (!want[i].equals(got[i])) {
        return null;
      }
    }
    return params;
  }
}
