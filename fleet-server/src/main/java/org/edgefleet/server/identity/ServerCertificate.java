package org.edgefleet.server.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's own TLS key and certificate from the fleet CA ({@code data-dir/ca/server-key.pem},
 * {@code server.pem}): the broker's listener presents it, and the server's MQTT client logs in with
 * it. Issued afresh, with a new key, at start when it is missing, has a third or less of its
 * validity left, or does not name every host devices use.
 */
public record ServerCertificate(PrivateKey key, X509Certificate certificate) {

  private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);
  public static final String NAME = "fleet-server";

  public static ServerCertificate loadOrIssue(Path dir, FleetCa ca, List<String> hosts, Duration validity, Clock clock)
      throws IOException {
    Path keyFile = dir.resolve("server-key.pem");
    Path certFile = dir.resolve("server.pem");
    if (Files.exists(keyFile) && Files.exists(certFile)) {
      X509Certificate cert = Pem.certificate(Files.readString(certFile));
      if (ca.issued(cert) && !renewalDue(cert, clock.instant()) && names(cert).containsAll(hosts)) {
        return new ServerCertificate(Pem.privateKey(keyFile), cert);
      }
    }
    KeyPair pair = FleetCa.newKeyPair();
    X509Certificate cert = ca.issueServer(NAME, pair.getPublic(), hosts, validity);
    Pem.writePrivate(keyFile, pair);
    Pem.write(certFile, Pem.of(cert));
    LOG.info("event=server_certificate_issued not_after={} hosts={}", cert.getNotAfter().toInstant(), hosts);
    return new ServerCertificate(pair.getPrivate(), cert);
  }

  private static boolean renewalDue(X509Certificate cert, Instant now) {
    long total = cert.getNotAfter().getTime() - cert.getNotBefore().getTime();
    return cert.getNotAfter().getTime() - now.toEpochMilli() <= total / 3;
  }

  private static Set<String> names(X509Certificate cert) {
    Set<String> names = new HashSet<>();
    try {
      Collection<List<?>> san = cert.getSubjectAlternativeNames();
      if (san != null) {
        san.forEach(entry -> names.add(String.valueOf(entry.get(1))));
      }
    } catch (CertificateParsingException e) {
      return Set.of();
    }
    return names;
  }
}
