package org.edgefleet.server.access;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin token, so that a new server can be used at all. On a start with no token ever
 * issued, the server takes the secret in the admin token file when one is there (written by an
 * installer or a test), or else makes one and writes it there, readable by its owner only. Once
 * any token exists the file is only read, never written again: revoking the bootstrap token for
 * good means it does not come back with the next start.
 */
public final class AdminBootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);
  static final String NAME = "bootstrap-admin";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private AdminBootstrap() {}

  public static void run(TokenService tokens, Path file) throws IOException {
    if (Files.exists(file)) {
      String secret = Files.readString(file, StandardCharsets.US_ASCII).trim();
      if (!TokenSecrets.wellFormed(secret)) {
        throw new IOException("the admin token file " + file + " does not hold an API token (" + TokenSecrets.PREFIX
            + " and 43 URL-safe base64 characters): delete it to have the server make a new one, or write a token into it");
      }
      warnIfShared(file);
      if (tokens.knows(secret)) {
        LOG.info("event=admin_token_file path={}", file.toAbsolutePath());
      } else if (!tokens.anyIssued()) {
        await(tokens.insert(NAME, Role.ADMIN, secret, null));
        LOG.info("event=admin_token_imported path={} name={}", file.toAbsolutePath(), NAME);
      } else {
        LOG.warn("event=admin_token_file_unknown path={} action=\"ignored: tokens exist and this one is not among them\"",
            file.toAbsolutePath());
      }
      return;
    }
    if (tokens.anyIssued()) {
      return;
    }
    String secret = TokenSecrets.generate();
    writeOwnerOnly(file, secret);
    try {
      await(tokens.insert(NAME, Role.ADMIN, secret, null));
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
    LOG.info("event=admin_token_created path={} name={} action=\"use it as Authorization: Bearer <the file's content>;"
        + " create tokens of your own and revoke this one\"", file.toAbsolutePath(), NAME);
  }

  // Temp file created owner-only, then renamed: the secret is never readable by anyone else.
  static void writeOwnerOnly(Path file, String secret) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, secret + "\n", StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void warnIfShared(Path file) throws IOException {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(p)) {
        LOG.warn("event=admin_token_file_readable path={} permissions={} action=\"chmod 600 it\"", file.toAbsolutePath(),
            PosixFilePermissions.toString(p));
      }
    } catch (UnsupportedOperationException notPosix) {
      // Nothing to check on such a file system.
    }
  }

  private static <T> T await(CompletableFuture<T> f) throws IOException {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while storing the admin token", e);
    } catch (Exception e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IOException("cannot store the admin token: " + cause.getMessage(), cause);
    }
  }
}
