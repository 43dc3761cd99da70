package org.edgefleet.agent.localapi;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoint's Unix domain socket file, whose mode decides who may connect. The socket is bound
 * inside a fresh owner-only directory, given its mode (and group), and only then renamed to its
 * path, so it is never reachable with the wider permissions a umask would give it. A file already
 * at the path is removed only when it is a socket nobody listens on (a stale one from a crash);
 * anything else is left alone and the start refused.
 */
final class UnixSocketFile {

  private static final Logger log = LoggerFactory.getLogger(UnixSocketFile.class);
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int MAX_PATH_BYTES = 107;
  private static final int STAGING_EXTRA = "/.s000000/s".length();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path path;
  private final ServerSocketChannel channel;
  private final Object fileKey;

  private UnixSocketFile(Path path, ServerSocketChannel channel, Object fileKey) {
    this.path = path;
    this.channel = channel;
    this.fileKey = fileKey;
  }

  static UnixSocketFile bind(Path path, LocalApiSettings.SocketAccess access, String group, int backlog)
      throws IOException {
    Path target = path.toAbsolutePath();
    Path parent = Files.createDirectories(target.getParent());
    requireShortEnough(target);
    removeIfStale(target);
    Path staging = stagingDirectory(parent);
    Path staged = staging.resolve("s");
    ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.bind(UnixDomainSocketAddress.of(staged), backlog);
      PosixFileAttributeView view = Files.getFileAttributeView(staged, PosixFileAttributeView.class);
      if (group != null) {
        GroupPrincipal g = staged.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        view.setGroup(g);
      }
      view.setPermissions(PosixFilePermissions.fromString(access == LocalApiSettings.SocketAccess.GROUP
          ? "rw-rw----" : "rw-------"));
      moveIntoPlace(staged, target);
      Object key = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      return new UnixSocketFile(target, channel, key);
    } catch (IOException | RuntimeException e) {
      channel.close();
      Files.deleteIfExists(staged);
      throw e;
    } finally {
      Files.deleteIfExists(staging);
    }
  }

  // sun_path holds 108 bytes with the terminating NUL; the staged path must fit as well.
  private static void requireShortEnough(Path target) throws IOException {
    int bytes = target.toString().getBytes(StandardCharsets.UTF_8).length;
    int stagedBytes = target.getParent().toString().getBytes(StandardCharsets.UTF_8).length + STAGING_EXTRA;
    if (Math.max(bytes, stagedBytes) > MAX_PATH_BYTES) {
      throw new IOException("localApi.unixSocket " + target + " is too long for a Unix socket (" + bytes
          + " bytes; at most " + MAX_PATH_BYTES + ", and its directory at most " + (MAX_PATH_BYTES - STAGING_EXTRA)
          + "): choose a shorter path such as /run/edgefleet/agent.sock");
    }
  }

  /** A fresh owner-only directory beside the socket, short-named so that the staged path stays short. */
  private static Path stagingDirectory(Path parent) throws IOException {
    for (int attempt = 0; ; attempt++) {
      Path dir = parent.resolve(String.format(".s%06x", RANDOM.nextInt(1 << 24)));
      try {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (FileAlreadyExistsException e) {
        if (attempt == 16) {
          throw e;
        }
      }
    }
  }

  private static void moveIntoPlace(Path staged, Path target) throws IOException {
    try {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename the socket into " + target + ": " + e.getMessage(), e);
    }
  }

  private static void removeIfStale(Path target) throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(target)) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "exists and is not a socket: not removed; choose another localApi.unixSocket or remove it yourself");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(target));
      throw new IOException("another process is listening on " + target
          + " (another agent?): stop it or choose another localApi.unixSocket");
    } catch (ConnectException e) {
      Files.delete(target);
      log.info("event=local_api_stale_socket_removed path={}", target);
    }
  }

  private static boolean isSocket(Path p) throws IOException {
    try {
      int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & S_IFMT) == S_IFSOCK;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isOther();
    }
  }

  ServerSocketChannel channel() {
    return channel;
  }

  /** Deletes the socket file, unless another one has replaced it meanwhile. */
  void remove() {
    try {
      Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
      if (Objects.equals(now, fileKey)) {
        Files.delete(path);
      }
    } catch (IOException e) {
      log.debug("event=local_api_socket_remove_skipped path={} reason={}", path, e.toString());
    }
  }
}
