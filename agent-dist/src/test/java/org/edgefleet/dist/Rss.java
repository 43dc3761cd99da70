package org.edgefleet.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** A process's resident memory as the kernel reports it, for the benchmark notes (never asserted). */
final class Rss {

  private Rss() {}

  static String of(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith("VmRSS:") || l.startsWith("VmHWM:") || l.startsWith("RssAnon:") || l.startsWith("RssFile:"))
        .map(l -> l.replaceAll("\\s+", " ").replace(": ", "=").replace(" kB", "kB")).collect(Collectors.joining(" "));
  }
}
