package org.edgefleet.server.api;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.store.Page;

/**
 * The query parameters of one route. A route names the parameters it takes; any other, or one
 * given twice, is refused with 400 naming it, so a misspelt filter never silently lists everything.
 * Listings page with {@code limit} and an opaque {@code cursor} (the {@code next} of the previous page).
 */
final class Query {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final String LIMIT = "limit";
  static final String CURSOR = "cursor";

  private final MultiMap params;

  private Query(MultiMap params) {
    this.params = params;
  }

  /** A handler that refuses any query parameter but these, then passes the request on. */
  static Handler<RoutingContext> only(String... names) {
    Set<String> allowed = Set.of(names);
    return ctx -> {
      MultiMap params = ctx.queryParams();
      Set<String> unknown = new TreeSet<>();
      for (String name : params.names()) {
        if (!allowed.contains(name)) {
          unknown.add(name);
        } else if (params.getAll(name).size() > 1) {
          throw FleetException.invalid("repeated_parameter", "query parameter '" + name + "' is given "
              + params.getAll(name).size() + " times; give it once");
        }
      }
      if (!unknown.isEmpty()) {
        throw FleetException.invalid("unknown_parameter", "unknown query parameter" + (unknown.size() > 1 ? "s " : " ")
            + String.join(", ", unknown.stream().map(n -> "'" + n + "'").toList()) + "; "
            + ctx.request().path() + (allowed.isEmpty() ? " takes none" : " takes " + String.join(", ", new TreeSet<>(allowed))));
      }
      ctx.next();
    };
  }

  static Query of(RoutingContext ctx) {
    return new Query(ctx.queryParams());
  }

  Optional<String> string(String name) {
    return Optional.ofNullable(params.get(name));
  }

  Optional<Boolean> bool(String name) {
    return string(name).map(v -> switch (v) {
      case "true" -> true;
      case "false" -> false;
      default -> throw FleetException.invalid("bad_" + name, name + " must be true or false, was '" + v + "'");
    });
  }

  /** The page size: {@value #DEFAULT_LIMIT} when absent, 1 to {@value #MAX_LIMIT}. */
  int limit() {
    Optional<String> raw = string(LIMIT);
    if (raw.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(raw.get());
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw FleetException.invalid("bad_limit", "limit must be an integer from 1 to " + MAX_LIMIT + ", was '" + raw.get() + "'");
  }

  /** The key the page starts after, from the cursor of a listing of {@code kind}; empty for the first page. */
  Optional<String> after(String kind) {
    return string(CURSOR).map(c -> {
      String decoded;
      try {
        decoded = new String(Base64.getUrlDecoder().decode(c), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = "";
      }
      if (!decoded.startsWith(kind + ":")) {
        throw FleetException.invalid("bad_cursor", "cursor '" + c + "' is not the next of a " + kind
            + " page: pass back the \"next\" of the previous answer unchanged");
      }
      return decoded.substring(kind.length() + 1);
    });
  }

  /** The cursor of the page after this one, or null on the last page. */
  static String next(String kind, Page<?> page) {
    return page.nextAfter().map(key -> Base64.getUrlEncoder().withoutPadding()
        .encodeToString((kind + ":" + key).getBytes(StandardCharsets.UTF_8))).orElse(null);
  }
}
