package org.edgefleet.protocol.trust;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.edgefleet.protocol.json.Json;

/**
 * Key files: small JSON documents, one key each. A private key file holds the seed and is
 * written with owner-only permissions where the file system has them.
 */
public final class KeyFiles {

  private static final int MAX_KEY_FILE_BYTES = 16 * 1024;

  /** The JSON form of a key file; exactly one of publicKey and privateKey is set. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record KeyFile(int v, String algorithm, String keyId, KeyRole role, String publicKey, String privateKey) {}

  private KeyFiles() {}

  public static void writePrivate(Path file, SigningKey key) throws IOException {
    KeyFile kf = new KeyFile(1, "ed25519", key.keyId(), key.publicKey().role(), null,
        Base64.getEncoder().encodeToString(key.seed()));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp);
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // Non-POSIX file systems rely on the directory's permissions.
    }
    Files.write(tmp, Json.writePretty(kf));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static void writePublic(Path file, PublicKey key) throws IOException {
    KeyFile kf = new KeyFile(1, "ed25519", key.keyId(), key.role(),
        Base64.getEncoder().encodeToString(key.encoded()), null);
    Files.write(file, Json.writePretty(kf));
  }

  public static SigningKey readPrivate(Path file) throws IOException {
    KeyFile kf = read(file);
    if (kf.privateKey() == null) {
      throw new IOException(file + " is not a private key file (no privateKey field)");
    }
    SigningKey key = new SigningKey(decode(file, kf.privateKey()), kf.role());
    checkKeyId(file, kf, key.keyId());
    return key;
  }

  /** Reads a public key file, or the public half of a private key file. */
  public static PublicKey readPublic(Path file) throws IOException {
    KeyFile kf = read(file);
    PublicKey key = kf.publicKey() != null
        ? new PublicKey(decode(file, kf.publicKey()), kf.role())
        : readPrivate(file).publicKey();
    checkKeyId(file, kf, key.keyId());
    return key;
  }

  /** A trust store of every given public key file. */
  public static TrustStore trustStore(List<Path> publicKeyFiles) throws IOException {
    List<PublicKey> keys = new ArrayList<>();
    for (Path p : publicKeyFiles) {
      keys.add(readPublic(p));
    }
    return TrustStore.of(keys.toArray(new PublicKey[0]));
  }

  private static KeyFile read(Path file) throws IOException {
    if (Files.size(file) > MAX_KEY_FILE_BYTES) {
      throw new IOException(file + " is too large to be a key file");
    }
    KeyFile kf;
    try {
      kf = Json.read(Files.readAllBytes(file), KeyFile.class);
    } catch (RuntimeException e) {
      throw new IOException(file + " is not a key file: " + e.getMessage(), e);
    }
    if (kf.v() != 1 || !"ed25519".equals(kf.algorithm()) || kf.role() == null) {
      throw new IOException(file + ": expected an ed25519 key file of version 1 with a role");
    }
    return kf;
  }

  private static byte[] decode(Path file, String base64) throws IOException {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": key is not valid base64", e);
    }
  }

  private static void checkKeyId(Path file, KeyFile kf, String actual) throws IOException {
    if (kf.keyId() != null && !kf.keyId().equals(actual)) {
      throw new IOException(file + ": keyId " + kf.keyId() + " does not match the key (" + actual + ")");
    }
  }
}
