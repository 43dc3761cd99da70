package org.edgefleet.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.edgefleet.server.FleetServer;
import org.edgefleet.server.support.Api;
import org.edgefleet.server.support.MutableClock;
import org.edgefleet.server.support.TestServers;
import org.edgefleet.server.support.TlsDevice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Enrollment tokens, certificate requests and renewal through the REST API, with hostile input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnrollmentApiTest {

  private FleetServer server;
  private Api api;

  @BeforeAll
  void start(@TempDir Path dir) throws IOException {
    server = FleetServer.start(TestServers.config(dir).build());
    api = Api.admin(server);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  static String token(Api api, String body) {
    Api.Response r = api.postJson("/api/v1/enrollment-tokens", body);
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("token").asText();
  }

  static Api.Response enroll(Api api, String token, String csr) {
    return api.postJson("/api/v1/enroll", "{\"token\": " + quote(token) + ", \"csr\": " + quote(csr) + "}");
  }

  static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  @Test
  void aOneTimeTokenEnrollsOneDeviceWithACertificateNamingItAndIsRefusedWhenReused() throws Exception {
    String token = token(api, "{}");
    TlsDevice a = new TlsDevice("enroll-a");
    Api.Response r = enroll(api, token, a.csr());
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    X509Certificate cert = Pem.certificate(r.json().get("certificate").asText());
    assertThat(CertificateNames.commonName(cert)).contains("enroll-a");
    assertThat(cert.getSubjectAlternativeNames()).anyMatch(san -> san.get(1).equals("urn:edgefleet:device:enroll-a"));
    assertThat(cert.getPublicKey()).isEqualTo(a.key().getPublic());
    cert.verify(Pem.certificate(api.get("/api/v1/enrollment/ca").body()).getPublicKey());

    Api.Response reused = enroll(api, token, new TlsDevice("enroll-b").csr());
    assertThat(reused.status()).isEqualTo(403);
    assertThat(reused.error()).isEqualTo("token_used");
    // The token never shows again and is stored hashed: the listing of identities has no secret.
    assertThat(api.get("/api/v1/identities").body()).doesNotContain(token).contains("enroll-a");
  }

  @Test
  void aCountLimitedTokenAllowsExactlyItsCount() {
    String token = token(api, "{\"uses\": 2, \"validForSeconds\": 3600}");
    assertThat(enroll(api, token, new TlsDevice("count-1").csr()).status()).isEqualTo(200);
    assertThat(enroll(api, token, new TlsDevice("count-2").csr()).status()).isEqualTo(200);
    assertThat(enroll(api, token, new TlsDevice("count-3").csr()).error()).isEqualTo("token_used");
  }

  @Test
  void unknownMissingAndBadTokensAreRefused() {
    assertThat(enroll(api, "eft_not-a-token", new TlsDevice("nobody").csr()).error()).isEqualTo("unknown_token");
    assertThat(enroll(api, null, new TlsDevice("nobody").csr()).status()).isEqualTo(403);
    assertThat(enroll(api, "x".repeat(5000), new TlsDevice("nobody").csr()).status()).isEqualTo(403);
    assertThat(api.postJson("/api/v1/enrollment-tokens", "{\"uses\": 0}").error()).isEqualTo("bad_token_uses");
    assertThat(api.postJson("/api/v1/enrollment-tokens", "{\"validForSeconds\": 34560000}").error()).isEqualTo("bad_token_validity");
    assertThat(api.postJson("/api/v1/enrollment-tokens", "{\"validForSeconds\": \"soon\"}").status()).isEqualTo(400);
  }

  @Test
  void malformedCertificateRequestsAreRefusedWithoutUsingTheToken() throws Exception {
    String token = token(api, "{}");
    TlsDevice d = new TlsDevice("csr-victim");
    String good = d.csr();
    String tampered = tamper(good);
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    KeyPair weak = rsa.generateKeyPair();
    String weakCsr = Pem.of(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=weak"), weak.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withRSA").build(weak.getPrivate())));
    for (String bad : new String[] {"", "not pem at all", "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
        tampered, d.csr("CN=../../etc"), d.csr("CN=a,CN=b"), d.csr("O=evil,CN=csr-victim"), d.csr("CN=fleet server"),
        weakCsr, api.get("/api/v1/enrollment/ca").body(), "-----BEGIN CERTIFICATE REQUEST-----\n" + "A".repeat(9000)}) {
      Api.Response r = enroll(api, token, bad);
      assertThat(r.status()).as(bad + " -> " + r.body()).isEqualTo(400);
      assertThat(r.error()).isIn("bad_csr", "bad_request");
    }
    // The token was never used by the refused requests.
    assertThat(enroll(api, token, good).status()).isEqualTo(200);
  }

  @Test
  void hugeAndMalformedBodiesAreRefused() {
    Api.Response huge = api.postJson("/api/v1/enroll", "{\"token\": \"" + "x".repeat(64 * 1024) + "\"}");
    assertThat(huge.status()).isEqualTo(413);
    assertThat(api.postJson("/api/v1/enroll", "{\"token\": [1,2]}").status()).isEqualTo(400);
    assertThat(api.postJson("/api/v1/enroll", "not json").status()).isEqualTo(400);
    assertThat(api.postJson("/api/v1/enroll/renew", "{}").status()).isEqualTo(400);
    assertThat(api.postJson("/api/v1/identities/..%2F..%2Fetc/revoke", "{}").status()).isIn(400, 404);
  }

  @Test
  void aDeviceRenewsWithItsCurrentCertificateAndItsKeyOnly() throws Exception {
    TlsDevice d = new TlsDevice("renewer");
    JsonNode first = enroll(api, token(api, "{}"), d.csr()).json();
    String cert = first.get("certificate").asText();
    Api.Response renewed = api.postJson("/api/v1/enroll/renew", "{\"certificate\": " + quote(cert) + ", \"csr\": " + quote(d.csr()) + "}");
    assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
    assertThat(Pem.certificate(renewed.json().get("certificate").asText()).getSerialNumber())
        .isNotEqualTo(Pem.certificate(cert).getSerialNumber());

    // Another key with the device's certificate (a stolen certificate without its key) is refused.
    TlsDevice thief = new TlsDevice("renewer");
    Api.Response stolen = api.postJson("/api/v1/enroll/renew", "{\"certificate\": " + quote(cert) + ", \"csr\": "
        + quote(thief.csr()) + "}");
    assertThat(stolen.error()).isEqualTo("key_mismatch");
    // A certificate from another CA is refused.
    FleetCa other = FleetCa.loadOrCreate(java.nio.file.Files.createTempDirectory("other-ca"), Duration.ofDays(10),
        java.time.Clock.systemUTC());
    String foreign = Pem.of(other.issueDevice("renewer", d.key().getPublic(), Duration.ofDays(1)));
    assertThat(api.postJson("/api/v1/enroll/renew", "{\"certificate\": " + quote(foreign) + ", \"csr\": " + quote(d.csr()) + "}")
        .error()).isEqualTo("foreign_certificate");
    // A second enrollment of the same id with another key is a takeover attempt.
    assertThat(enroll(api, token(api, "{}"), thief.csr()).error()).isEqualTo("device_enrolled");
  }

  @Test
  void aTokenNeedingApprovalHoldsTheDeviceUntilAnOperatorAcceptsIt() throws Exception {
    String token = token(api, "{\"needsApproval\": true}");
    TlsDevice d = new TlsDevice("waiting");
    assertThat(enroll(api, token, d.csr()).status()).isEqualTo(202);
    // Asking again with the same key waits, and does not need a token use.
    assertThat(enroll(api, token, d.csr()).status()).isEqualTo(202);
    assertThat(api.get("/api/v1/identities?state=pending").body()).contains("waiting");
    assertThat(api.postJson("/api/v1/identities/waiting/accept", "{}").status()).isEqualTo(200);
    Api.Response r = enroll(api, token, d.csr());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("certificate").asText()).startsWith("-----BEGIN CERTIFICATE-----");
  }

  @Test
  void aRevokedDeviceCannotEnrollOrRenewAgain() {
    TlsDevice d = new TlsDevice("gone");
    String cert = enroll(api, token(api, "{}"), d.csr()).json().get("certificate").asText();
    assertThat(api.postJson("/api/v1/identities/gone/revoke", "{}").status()).isEqualTo(200);
    assertThat(enroll(api, token(api, "{}"), d.csr()).error()).isEqualTo("device_revoked");
    assertThat(api.postJson("/api/v1/enroll/renew", "{\"certificate\": " + quote(cert) + ", \"csr\": " + quote(d.csr()) + "}")
        .error()).isEqualTo("device_revoked");
    assertThat(api.postJson("/api/v1/identities/gone/accept", "{}").error()).isEqualTo("device_revoked");
  }

  @Test
  void anExpiredTokenIsRefused(@TempDir Path dir) throws IOException {
    MutableClock clock = new MutableClock(Instant.now());
    try (FleetServer s = FleetServer.start(TestServers.config(dir).clock(clock).build())) {
      Api a = Api.admin(s);
      String token = token(a, "{\"uses\": 10, \"validForSeconds\": 3600}");
      clock.advance(Duration.ofHours(2));
      Api.Response r = enroll(a, token, new TlsDevice("late").csr());
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.error()).isEqualTo("token_expired");
    }
  }

  // Flips one bit of the request's signature (its last bytes), keeping the PEM readable.
  private static String tamper(String pem) {
    String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    byte[] der = Base64.getDecoder().decode(b64);
    der[der.length - 3] ^= 0x01;
    return "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END CERTIFICATE REQUEST-----\n";
  }
}
