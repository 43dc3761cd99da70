package org.edgefleet.server.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.edgefleet.server.FleetException;
import org.edgefleet.server.identity.EnrollmentRefused;
import org.edgefleet.server.identity.IdentityService;
import org.edgefleet.server.identity.IdentityState;

/**
 * Device enrollment: operators issue enrollment tokens and accept or revoke devices; a device
 * enrolls with a token and a certificate request, and renews with its current certificate. The
 * device's two routes are authenticated by what they carry (the token; the certificate and a
 * request signed by its key), never by an operator's credentials; a refused credential is 403.
 */
final class EnrollmentRoutes {

  /** The body of POST /api/v1/enrollment-tokens; absent fields: a one-time token valid for a day, no acceptance step. */
  record TokenRequest(Integer uses, Long validForSeconds, Boolean needsApproval) {}

  /** The body of POST /api/v1/enroll. */
  record EnrollRequest(String token, String csr) {}

  /** The body of POST /api/v1/enroll/renew. */
  record RenewRequest(String certificate, String csr) {}

  static final String ENROLL = "/api/v1/enroll";
  static final String RENEW = "/api/v1/enroll/renew";
  // A certificate and a request are a few KB of PEM each: far more is not an enrollment.
  private static final long MAX_BODY_BYTES = 32 * 1024;
  private static final String KIND = "identities";
  private static final String STATE = "state";

  private final IdentityService identity;

  EnrollmentRoutes(IdentityService identity) {
    this.identity = identity;
  }

  void mount(Router router) {
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    router.route(HttpMethod.POST, "/api/v1/enrollment-tokens").handler(body).handler(Query.only()).handler(this::createToken);
    router.route(HttpMethod.GET, "/api/v1/enrollment/ca").handler(Query.only()).handler(ctx -> ctx.response()
        .putHeader("content-type", "application/x-pem-file").end(identity.caCertificatePem()));
    router.route(HttpMethod.POST, ENROLL).handler(body).handler(Query.only()).handler(this::enroll);
    router.route(HttpMethod.POST, RENEW).handler(body).handler(Query.only()).handler(this::renew);
    router.route(HttpMethod.GET, "/api/v1/identities").handler(Query.only(Query.LIMIT, Query.CURSOR, STATE)).handler(this::list);
    router.route(HttpMethod.POST, "/api/v1/identities/:id/accept").handler(Query.only())
        .handler(ctx -> Http.replyJson(ctx, identity.accept(ctx.pathParam("id")), 200));
    router.route(HttpMethod.POST, "/api/v1/identities/:id/revoke").handler(Query.only())
        .handler(ctx -> Http.replyJson(ctx, identity.revoke(ctx.pathParam("id")), 200));
  }

  private void createToken(RoutingContext ctx) {
    TokenRequest req = JsonBody.read(ctx, TokenRequest.class, "{\"uses\": 1, \"validForSeconds\": 86400, \"needsApproval\": false}");
    Http.replyJson(ctx, identity.createToken(req.uses() == null ? 1 : req.uses(),
        Duration.ofSeconds(req.validForSeconds() == null ? Duration.ofDays(1).toSeconds() : req.validForSeconds()),
        Boolean.TRUE.equals(req.needsApproval())), 201);
  }

  private void enroll(RoutingContext ctx) {
    EnrollRequest req = JsonBody.read(ctx, EnrollRequest.class,
        "{\"token\": \"eft_...\", \"csr\": \"-----BEGIN CERTIFICATE REQUEST-----...\"}");
    answer(ctx, identity.enroll(req.token(), req.csr()));
  }

  private void renew(RoutingContext ctx) {
    RenewRequest req = JsonBody.read(ctx, RenewRequest.class,
        "{\"certificate\": \"-----BEGIN CERTIFICATE-----...\", \"csr\": \"-----BEGIN CERTIFICATE REQUEST-----...\"}");
    answer(ctx, identity.renew(req.certificate(), req.csr()));
  }

  // 200 with the certificate, 202 while an operator has not accepted the device, 403 for a refused credential.
  private static void answer(RoutingContext ctx, CompletionStage<IdentityService.Enrollment> work) {
    Http.reply(ctx, work.exceptionally(e -> {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof EnrollmentRefused refused) {
        Http.error(ctx, 403, refused.code(), refused.getMessage());
        return null;
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }), result -> {
      if (result != null) {
        Caller.name(ctx, "device:" + result.deviceId());
        Http.json(ctx, result.state() == IdentityState.PENDING ? 202 : 200, result);
      }
    });
  }

  private void list(RoutingContext ctx) {
    Query q = Query.of(ctx);
    IdentityState state = q.string(STATE).map(s -> {
      try {
        return IdentityState.valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw FleetException.invalid("bad_state", "state must be pending, accepted or revoked, was '" + s + "'");
      }
    }).orElse(null);
    Http.reply(ctx, identity.list(state, q.after(KIND).orElse(null), q.limit()),
        page -> Http.json(ctx, 200, Listing.of(KIND, page, KIND)));
  }
}
