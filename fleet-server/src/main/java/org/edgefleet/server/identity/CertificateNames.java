package org.edgefleet.server.identity;

import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** The name a certificate gives its holder: the fleet CA puts the device id (or fleet-server) in the subject's CN. */
public final class CertificateNames {

  private CertificateNames() {}

  /** The subject's one CN, or empty when it has none or several. */
  public static Optional<String> commonName(X509Certificate cert) {
    try {
      LdapName name = new LdapName(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
      String cn = null;
      for (Rdn rdn : name.getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          if (cn != null || !(rdn.getValue() instanceof String s)) {
            return Optional.empty();
          }
          cn = s;
        }
      }
      return Optional.ofNullable(cn);
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
  }
}
