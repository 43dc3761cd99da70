package org.edgefleet.server.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps web pages from changing the fleet through the browser of someone who can reach the API
 * (cross-site request forgery). A changing request (POST, PUT, PATCH, DELETE) is refused
 * <ul>
 *   <li>with 403 when its {@code Origin}, or without one its {@code Referer}, names another origin
 *       than the server's own (scheme and the Host it was asked by) or an allowed one;</li>
 *   <li>with 415 when its body is not of the route's media type: JSON, or the bundle types for the
 *       upload. Browsers send those cross-site only after a CORS preflight, which this server never
 *       grants, whereas a form or a simple fetch can only send text/plain, form or multipart bodies.</li>
 * </ul>
 * Requests without Origin and Referer (curl, the Java client, scripts) pass: a browser sends an
 * Origin with every cross-origin changing request. This is not authentication: {@link Access} is.
 */
final class CrossSiteGuard implements Handler<RoutingContext> {

  private static final Set<HttpMethod> CHANGING = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static final Set<String> JSON_ONLY = Set.of(Http.JSON);

  private final Set<String> allowedOrigins;
  private final Map<String, Set<String>> bodyTypes;

  /**
   * @param allowedOrigins origins besides the server's own, like https://fleet.example.com
   * @param bodyTypes the media types of routes whose body is not JSON, by exact path
   */
  CrossSiteGuard(Collection<String> allowedOrigins, Map<String, Set<String>> bodyTypes) {
    this.allowedOrigins = allowedOrigins.stream().map(CrossSiteGuard::normalize).collect(Collectors.toUnmodifiableSet());
    this.bodyTypes = Map.copyOf(bodyTypes);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    if (!CHANGING.contains(req.method())) {
      ctx.next();
      return;
    }
    Optional<String> foreign = foreignOrigin(req);
    if (foreign.isPresent()) {
      Http.error(ctx, 403, "cross_origin", req.method() + " " + req.path() + " from " + foreign.get()
          + " is refused: only pages of the server's own origin (" + ownOrigin(req) + ") or of an --allowed-origin may change the fleet");
      return;
    }
    Set<String> accepted = bodyTypes.getOrDefault(req.path(), JSON_ONLY);
    String type = mediaType(req.getHeader(HttpHeaders.CONTENT_TYPE));
    if (takesBody(req) && !accepted.contains(type)) {
      Http.error(ctx, 415, "unsupported_media_type", req.method() + " " + req.path() + " takes Content-Type "
          + String.join(" or ", accepted.stream().sorted().toList()) + ", was " + (type.isEmpty() ? "none" : "'" + type + "'"));
      return;
    }
    ctx.next();
  }

  // POST, PUT and PATCH always carry a body, even an empty one; a DELETE only when it says so.
  private static boolean takesBody(HttpServerRequest req) {
    if (req.method() != HttpMethod.DELETE) {
      return true;
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    return (length != null && !length.trim().equals("0")) || req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
  }

  /** The origin the request names that is neither the server's own nor allowed; empty when it names none. */
  private Optional<String> foreignOrigin(HttpServerRequest req) {
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    String named;
    if (origin != null) {
      named = origin.trim();
    } else {
      String referer = req.getHeader(HttpHeaders.REFERER);
      if (referer == null) {
        return Optional.empty();
      }
      named = originOf(referer.trim());
    }
    String normalized = normalize(named);
    return normalized.equals(ownOrigin(req)) || allowedOrigins.contains(normalized)
        ? Optional.empty() : Optional.of("origin '" + named + "'");
  }

  /** The scheme and the authority the client addressed (Vert.x takes the Host header into authority()). */
  private static String ownOrigin(HttpServerRequest req) {
    HostAndPort a = req.authority();
    String host = a == null ? "" : a.host() + (a.port() >= 0 ? ":" + a.port() : "");
    return normalize((req.isSSL() ? "https://" : "http://") + host);
  }

  /** scheme://host[:port] of a URL; the whole text when it is no URL (and so matches nothing). */
  private static String originOf(String url) {
    try {
      URI u = new URI(url);
      if (u.getScheme() == null || u.getRawAuthority() == null) {
        return url;
      }
      return u.getScheme() + "://" + u.getRawAuthority().replaceFirst("^.*@", "");
    } catch (URISyntaxException e) {
      return url;
    }
  }

  /** Lower case, without the scheme's default port, so equal origins compare equal. */
  private static String normalize(String origin) {
    String o = origin.toLowerCase(Locale.ROOT);
    if (o.startsWith("http://") && o.endsWith(":80")) {
      return o.substring(0, o.length() - 3);
    }
    if (o.startsWith("https://") && o.endsWith(":443")) {
      return o.substring(0, o.length() - 4);
    }
    return o;
  }

  private static String mediaType(String header) {
    if (header == null) {
      return "";
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }
}
