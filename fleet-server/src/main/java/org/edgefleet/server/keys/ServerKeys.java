package org.edgefleet.server.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.KeyRole;
import org.edgefleet.protocol.trust.PublicKey;
import org.edgefleet.protocol.trust.SigningKey;

/**
 * The server's secrets, made at first start in {@code data-dir/keys}: the Ed25519 key that signs
 * desired states, and the password of the server's own MQTT client on the embedded broker.
 *
 * @param publicKeyFile the public key file as served to agents (fleet-protocol KeyFiles JSON)
 */
public record ServerKeys(SigningKey signingKey, String brokerPassword, byte[] publicKeyFile) {

  static final String SIGNING_KEY = "server-key.json";
  static final String PUBLIC_KEY = "server-key.pub.json";
  static final String BROKER_PASSWORD = "broker-password";

  public static ServerKeys loadOrCreate(Path dataDir) throws IOException {
    Path dir = Files.createDirectories(dataDir.resolve("keys"));
    Path keyFile = dir.resolve(SIGNING_KEY);
    if (!Files.exists(keyFile)) {
      KeyFiles.writePrivate(keyFile, SigningKey.generate(KeyRole.SERVER));
    }
    SigningKey key = KeyFiles.readPrivate(keyFile);
    if (key.publicKey().role() != KeyRole.SERVER) {
      throw new IOException(keyFile + " holds a " + key.publicKey().role().wireName() + " key; the server needs a server key");
    }
    Path publicFile = dir.resolve(PUBLIC_KEY);
    KeyFiles.writePublic(publicFile, key.publicKey());
    return new ServerKeys(key, brokerPassword(dir.resolve(BROKER_PASSWORD)), Files.readAllBytes(publicFile));
  }

  public PublicKey publicKey() {
    return signingKey.publicKey();
  }

  private static String brokerPassword(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] random = new byte[24];
      new SecureRandom().nextBytes(random);
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      Files.createFile(tmp);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Non-POSIX file systems rely on the directory's permissions.
      }
      Files.writeString(tmp, Base64.getUrlEncoder().withoutPadding().encodeToString(random));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
    String password = Files.readString(file).strip();
    if (password.length() < 16) {
      throw new IOException(file + " holds a password shorter than 16 characters: delete it to generate a new one");
    }
    return password;
  }

  @Override
  public String toString() {
    return "ServerKeys[" + signingKey.keyId() + "]";
  }
}
