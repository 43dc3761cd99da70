package org.edgefleet.server.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
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
 * good means it does not come back with the next start. Whether this instance is the one that
 * bootstraps is decided in the database ({@link TokenStore#claimBootstrap}): of several instances
 * starting at once on an empty database exactly one makes the token, the others say where it is.
 */
public final class AdminBootstrap {

  /** The instance that made the first admin token: the token's id, and the file it wrote the secret to. */
  public record Claim(String tokenId, String tokenFile, Instant createdAt) {}

  /** What a start did about the first admin token. */
  public enum Outcome {
    /** Made one and wrote it to the file. */
    CREATED,
    /** Stored the one an installer wrote into the file. */
    IMPORTED,
    /** The file holds a token the server knows. */
    FILE_KNOWN,
    /** Tokens exist and the file holds none of them: ignored. */
    FILE_UNKNOWN,
    /** Tokens exist and there is no file: nothing to do. */
    TOKENS_EXIST,
    /** Another instance starting at the same moment made it; the log says where it is. */
    MADE_ELSEWHERE
  }

  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);
  static final String NAME = "bootstrap-admin";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private AdminBootstrap() {}

  public static Outcome run(TokenService tokens, Path file) throws IOException {
    String path = file.toAbsolutePath().toString();
    if (Files.exists(file)) {
      String secret = Files.readString(file, StandardCharsets.US_ASCII).trim();
      if (!TokenSecrets.wellFormed(secret)) {
        throw new IOException("the admin token file " + file + " does not hold an API token (" + TokenSecrets.PREFIX
            + " and 43 URL-safe base64 characters): delete it to have the server make a new one, or write a token into it");
      }
      warnIfShared(file);
      if (tokens.knows(secret)) {
        LOG.info("event=admin_token_file path={}", path);
        return Outcome.FILE_KNOWN;
      }
      if (!tokens.anyIssued()) {
        Outcome o = claim(tokens, secret, path, () -> {}, Outcome.IMPORTED);
        if (o == Outcome.IMPORTED) {
          LOG.info("event=admin_token_imported path={} name={}", path, NAME);
        }
        return o;
      }
      LOG.warn("event=admin_token_file_unknown path={} action=\"ignored: tokens exist and this one is not among them\"", path);
      return Outcome.FILE_UNKNOWN;
    }
    if (tokens.anyIssued()) {
      return Outcome.TOKENS_EXIST;
    }
    String secret = TokenSecrets.generate();
    Outcome o = claim(tokens, secret, path, () -> {
      try {
        writeOwnerOnly(file, secret);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, Outcome.CREATED);
    if (o == Outcome.CREATED) {
      LOG.info("event=admin_token_created path={} name={} action=\"use it as Authorization: Bearer <the file's content>;"
          + " create tokens of your own and revoke this one\"", path, NAME);
    }
    return o;
  }

  /** {@code won} when this instance's token became the first admin token; when another instance's did, says where that one is. */
  private static Outcome claim(TokenService tokens, String secret, String path, Runnable writeFile, Outcome won) throws IOException {
    Optional<Claim> claim = await(tokens.bootstrap(NAME, secret, path, writeFile));
    if (tokens.knows(secret)) {
      return won;
    }
    claim.ifPresent(c -> LOG.warn("event=admin_token_exists token_id={} path={} created_at={} action=\"another instance made"
        + " the first admin token at the same time: its secret is in that file on that instance's host\"", c.tokenId(),
        c.tokenFile(), c.createdAt()));
    return claim.isPresent() ? Outcome.MADE_ELSEWHERE : Outcome.TOKENS_EXIST;
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
