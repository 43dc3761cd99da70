package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import java.util.Objects;
import org.edgefleet.server.access.Role;

/**
 * What one route needs: a token of at least {@code role}, or, for the few routes anyone may call,
 * the {@code exemption} that says why.
 */
record AccessRule(HttpMethod method, String pattern, Role role, Exemption exemption) {

  /** Why a route needs no API token. */
  enum Exemption {
    /** Load balancers and probes ask whether the server is up; the answer holds no fleet data. */
    HEALTH_PROBE,
    /** Devices enroll with an enrollment token and renew with their certificate, both checked by the route. */
    DEVICE_CREDENTIAL,
    /** Public material devices are provisioned with before they hold any credential: the CA certificate, the server's public key. */
    PUBLIC_KEY,
    /** The dashboard's static pages and scripts, login page included; every datum they show comes from the API. */
    DASHBOARD_PAGE,
    /** The login exchanges the token in its body for a session. */
    LOGIN
  }

  AccessRule {
    Objects.requireNonNull(method, "method must not be null");
    Objects.requireNonNull(pattern, "pattern must not be null");
    if ((role == null) == (exemption == null)) {
      throw new IllegalArgumentException(method + " " + pattern + " needs either a role or an exemption");
    }
  }

  static AccessRule needs(Role role, HttpMethod method, String pattern) {
    return new AccessRule(method, pattern, Objects.requireNonNull(role, "role must not be null"), null);
  }

  static AccessRule open(Exemption why, HttpMethod method, String pattern) {
    return new AccessRule(method, pattern, null, Objects.requireNonNull(why, "exemption must not be null"));
  }

  /** Whether this is the rule of a route the router holds (whose path Vert.x gives a wildcard route without its "*"). */
  boolean names(HttpMethod m, String routerPath) {
    String p = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
    return method.equals(m) && p.equals(routerPath);
  }

  /** The rule's route as the audit log names it, e.g. {@code POST /api/v1/rollouts/:id/:action}. */
  String route() {
    return method.name() + " " + pattern;
  }
}
