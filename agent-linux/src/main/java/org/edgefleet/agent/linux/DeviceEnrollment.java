package org.edgefleet.agent.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.edgefleet.protocol.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device's side of enrollment: an EC P-256 key made on the device (it never leaves it), a
 * certificate request naming the device id, sent with the enrollment token to the fleet server;
 * the certificate and the fleet CA it answers with go next to the key in {@code dataDir/identity}.
 * Renewal sends a request signed by the same key with the current certificate, once a third of
 * the certificate's validity is left.
 */
final class DeviceEnrollment {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceEnrollment.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  /** Where the identity lives: the key (owner-only), the device certificate and the fleet CA. */
  record IdentityFiles(Path key, Path certificate, Path ca) {
    static IdentityFiles in(Path dataDir) {
      Path dir = dataDir.resolve("identity");
      return new IdentityFiles(dir.resolve("device-key.pem"), dir.resolve("device.pem"), dir.resolve("ca.pem"));
    }
  }

  private final URI server;
  private final String token;
  private final String deviceId;
  private final IdentityFiles files;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

  DeviceEnrollment(String serverUrl, String token, String deviceId, IdentityFiles files, Clock clock) {
    this.server = URI.create(serverUrl.endsWith("/") ? serverUrl : serverUrl + "/");
    this.token = token;
    this.deviceId = deviceId;
    this.files = files;
    this.clock = clock;
  }

  IdentityFiles files() {
    return files;
  }

  /**
   * Enrolls unless the device holds a certificate already, waiting (with backoff) while the server
   * cannot be reached or an operator has not accepted the device yet.
   *
   * @throws IOException when the server refuses the enrollment (token unknown, used up or expired,
   *     device revoked): retrying would not help
   */
  void ensureEnrolled(Backoff backoff) throws IOException, InterruptedException {
    if (Files.exists(files.certificate()) && Files.exists(files.ca())) {
      return;
    }
    if (token == null || token.isBlank()) {
      throw new IOException("the device has no certificate in " + files.certificate().getParent() + " and "
          + DaemonSettings.ENROLL_TOKEN.name() + " is not set: ask an operator for an enrollment token");
    }
    String csr = request(loadOrCreateKey());
    for (int attempt = 0; ; attempt++) {
      Optional<HttpResponse<String>> r = post("api/v1/enroll", Map.of("token", token, "csr", csr));
      if (r.isPresent() && r.get().statusCode() == 200) {
        store(JSON.readTree(r.get().body()));
        LOG.info("event=device_enrolled device={} not_after={}", deviceId, certificate().getNotAfter().toInstant());
        return;
      }
      if (r.isPresent() && r.get().statusCode() != 202 && r.get().statusCode() < 500) {
        throw new IOException("the fleet server refused the enrollment of " + deviceId + " (" + r.get().statusCode() + "): "
            + r.get().body());
      }
      if (r.isPresent()) {
        LOG.info("event=enrollment_pending device={} action=\"waiting for an operator to accept it\"", deviceId);
      }
      Thread.sleep(backoff.delayMillis(attempt, Math.random()));
    }
  }

  /** When the certificate should be renewed: once a third of its validity is left. */
  Instant renewAt() throws IOException {
    X509Certificate c = certificate();
    long total = c.getNotAfter().getTime() - c.getNotBefore().getTime();
    return Instant.ofEpochMilli(c.getNotAfter().getTime() - total / 3);
  }

  /** Renews the certificate if it is due; true when a new one was stored. */
  boolean renewIfDue() throws IOException {
    if (clock.instant().isBefore(renewAt())) {
      return false;
    }
    String current = Files.readString(files.certificate());
    Optional<HttpResponse<String>> r = post("api/v1/enroll/renew", Map.of("certificate", current,
        "csr", request(loadOrCreateKey())));
    if (r.isEmpty()) {
      throw new IOException("the fleet server at " + server + " cannot be reached to renew the certificate");
    }
    if (r.get().statusCode() != 200) {
      throw new IOException("the fleet server refused to renew the certificate of " + deviceId + " (" + r.get().statusCode()
          + "): " + r.get().body());
    }
    store(JSON.readTree(r.get().body()));
    LOG.info("event=certificate_renewed device={} not_after={}", deviceId, certificate().getNotAfter().toInstant());
    return true;
  }

  X509Certificate certificate() throws IOException {
    try (var in = Files.newInputStream(files.certificate())) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (GeneralSecurityException e) {
      throw new IOException(files.certificate() + " is not a certificate: " + e.getMessage(), e);
    }
  }

  // Empty when the server cannot be reached (worth another try).
  private Optional<HttpResponse<String>> post(String path, Map<String, String> body) throws IOException {
    HttpRequest req = HttpRequest.newBuilder(server.resolve(path)).timeout(REQUEST_TIMEOUT)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
    try {
      return Optional.of(http.send(req, HttpResponse.BodyHandlers.ofString()));
    } catch (IOException unreachable) {
      LOG.debug("event=enrollment_unreachable url={} reason=\"{}\"", req.uri(), unreachable.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  // Certificate first, CA second: the transport takes the pair once both are there.
  private void store(JsonNode answer) throws IOException {
    String cert = answer.path("certificate").asText("");
    String ca = answer.path("caCertificate").asText("");
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      f.generateCertificate(new ByteArrayInputStream(cert.getBytes(StandardCharsets.US_ASCII)));
      f.generateCertificate(new ByteArrayInputStream(ca.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IOException("the fleet server answered no usable certificate: " + e.getMessage(), e);
    }
    write(files.certificate(), cert, false);
    write(files.ca(), ca, false);
  }

  private KeyPair loadOrCreateKey() throws IOException {
    Files.createDirectories(files.key().getParent());
    if (Files.exists(files.key())) {
      try {
        PrivateKey key = privateKey();
        return new KeyPair(publicKeyOf((ECPrivateKey) key), key);
      } catch (GeneralSecurityException | ClassCastException e) {
        throw new IOException(files.key() + " is not an EC private key: " + e.getMessage(), e);
      }
    }
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = g.generateKeyPair();
      write(files.key(), pem(pair.getPrivate()), true);
      return pair;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot make an EC P-256 key: " + e.getMessage(), e);
    }
  }

  private PrivateKey privateKey() throws IOException, GeneralSecurityException {
    try (PEMParser p = new PEMParser(Files.newBufferedReader(files.key()))) {
      Object o = p.readObject();
      if (o instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo info) {
        return new JcaPEMKeyConverter().getPrivateKey(info);
      }
      throw new GeneralSecurityException("no PKCS#8 key");
    }
  }

  // The public point is the private scalar times the curve's generator.
  private static PublicKey publicKeyOf(ECPrivateKey key) throws GeneralSecurityException {
    ECNamedCurveParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
    org.bouncycastle.math.ec.ECPoint q = curve.getG().multiply(key.getS()).normalize();
    java.security.spec.ECPoint w = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(),
        q.getAffineYCoord().toBigInteger());
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
  }

  private String request(KeyPair key) throws IOException {
    try {
      PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + deviceId), key.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate()));
      return pem(csr);
    } catch (OperatorCreationException e) {
      throw new IOException("cannot sign the certificate request: " + e.getMessage(), e);
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null).generate() : o);
    }
    return out.toString();
  }

  // Temp file and rename, so a reader sees the old file or the new one; the key owner-only from the start.
  private static void write(Path file, String text, boolean secret) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (secret) {
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException notPosix) {
        Files.createFile(tmp);
      }
    }
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
