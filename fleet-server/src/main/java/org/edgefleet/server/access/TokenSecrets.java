package org.edgefleet.server.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * API token secrets: {@value #PREFIX} and 32 random bytes in URL-safe base64, so a secret that
 * leaks into a file or a chat is recognisable (and a scanner can find it), and kept only as its
 * SHA-256: a secret of 256 random bits needs no slow hash, nobody can guess one to match.
 */
public final class TokenSecrets {

  public static final String PREFIX = "ef_";
  private static final int SECRET_BYTES = 32;
  private static final Pattern FORMAT = Pattern.compile(Pattern.quote(PREFIX) + "[A-Za-z0-9_-]{43}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private TokenSecrets() {}

  public static String generate() {
    byte[] secret = new byte[SECRET_BYTES];
    RANDOM.nextBytes(secret);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
  }

  /** Whether the text has the form of a secret (it may still be unknown). */
  public static boolean wellFormed(String secret) {
    return secret != null && FORMAT.matcher(secret).matches();
  }

  /** The hex SHA-256 of the secret, what the store keeps. */
  public static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Compares two hashes in time independent of where they differ. */
  static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
  }
}
