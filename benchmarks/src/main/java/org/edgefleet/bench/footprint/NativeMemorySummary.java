package org.edgefleet.bench.footprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the JVM itself accounts for in a process started with {@code -XX:NativeMemoryTracking=summary}:
 * committed memory per category (Java heap, metaspace, code, threads...) from
 * {@code jcmd PID VM.native_memory summary}. Whatever the process holds beyond that total belongs
 * to native libraries: their code and their own allocations (ONNX Runtime's, SQLite's).
 */
record NativeMemorySummary(long totalCommittedBytes, List<Category> categories) {

  /** Committed memory of one NMT category. */
  record Category(String name, long committedBytes) {}

  static final String FLAG = "-XX:NativeMemoryTracking=summary";
  private static final Pattern TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
  private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

  static NativeMemorySummary of(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    if (!Files.isExecutable(jcmd)) {
      throw new IOException("no jcmd in " + jcmd.getParent() + ": the JVM's own accounting needs a full JDK");
    }
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "VM.native_memory", "summary")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("jcmd VM.native_memory failed for pid " + pid + ": " + out.strip());
    }
    long total = -1;
    List<Category> categories = new ArrayList<>();
    for (String line : out.split("\n")) {
      Matcher t = TOTAL.matcher(line.strip());
      Matcher c = CATEGORY.matcher(line.strip());
      if (t.find()) {
        total = Long.parseLong(t.group(2)) * 1024;
      } else if (c.find()) {
        categories.add(new Category(c.group(1), Long.parseLong(c.group(3)) * 1024));
      }
    }
    if (total < 0) {
      throw new IOException("jcmd printed no native memory summary for pid " + pid + ": " + out.strip());
    }
    categories.sort((a, b) -> Long.compare(b.committedBytes(), a.committedBytes()));
    return new NativeMemorySummary(total, categories);
  }

  long committed(String category) {
    return categories.stream().filter(c -> c.name().equals(category)).mapToLong(Category::committedBytes).sum();
  }
}
