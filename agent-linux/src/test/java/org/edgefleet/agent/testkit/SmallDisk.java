package org.edgefleet.agent.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system for disk-full tests: a tmpfs of a few MB mounted on a directory.
 * Mounting needs root; as another user the test is skipped (a JUnit assumption), since a full
 * disk cannot be made without one. {@link #fill} takes all free space with a filler file, as
 * another process on the device would; {@link #free} gives it back.
 */
public final class SmallDisk implements AutoCloseable {

  private final Path dir;
  private final Path filler;

  private SmallDisk(Path dir) {
    this.dir = dir;
    this.filler = dir.resolve("filler.bin");
  }

  /** Mounts a tmpfs of {@code size} (e.g. "3m") on {@code dir}; skips the test when not root. */
  public static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "disk-full tests mount a tmpfs, which needs root; skipped as " + System.getProperty("user.name"));
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    return new SmallDisk(dir);
  }

  public Path dir() {
    return dir;
  }

  public long usable() throws IOException {
    return Files.getFileStore(dir).getUsableSpace();
  }

  /** Writes the filler until the disk refuses, leaving {@code leave} bytes free. */
  public void fill(long leave) throws IOException {
    long target = Math.max(0, usable() - leave);
    byte[] block = new byte[4096];
    try (OutputStream out = Files.newOutputStream(filler, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND)) {
      for (long written = 0; written < target; written += block.length) {
        out.write(block, 0, (int) Math.min(block.length, target - written));
      }
    } catch (IOException full) {
      // No space left: exactly what was asked for when leave is 0.
    }
  }

  /** Deletes the filler. */
  public void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run("umount", "-l", dir.toString());
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
