package org.edgefleet.bench.footprint;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A named set of JVM flags (and environment) the footprint benchmark starts every process with,
 * so each set compares the agent with bare JVMs configured the same way.
 */
public record JvmFlagSet(String name, List<String> flags, Map<String, String> environment, String why) {

  private static final List<String> SMALL = List.of("-Xmx32m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=48m");

  public static final JvmFlagSet DEFAULT = new JvmFlagSet("default", List.of(), Map.of(),
      "the JVM's defaults: G1, heap up to a quarter of RAM, C1 and C2");
  public static final JvmFlagSet SMALL_HEAP = new JvmFlagSet("small-heap", List.of("-Xmx32m", "-XX:+UseSerialGC"), Map.of(),
      "a 32 MiB heap with the serial collector, nothing else changed");
  public static final JvmFlagSet SMALL_JVM = new JvmFlagSet("small", SMALL, Map.of(),
      "small heap, thread stacks, code cache and metaspace, C1 only");
  public static final JvmFlagSet SMALL_NO_CDS = new JvmFlagSet("small-no-cds", with(SMALL, "-Xshare:off"), Map.of(),
      "`small` without class data sharing: the shared archive is mapped whole into each process");
  public static final JvmFlagSet SMALL_TWO_ARENAS = new JvmFlagSet("small-arena2", SMALL, Map.of("MALLOC_ARENA_MAX", "2"),
      "`small` with glibc limited to two malloc arenas (an environment variable, not a JVM flag)");

  public static final JvmFlagSet TINY = new JvmFlagSet("tiny", List.of("-Xms4m", "-Xmx16m", "-Xss256k", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=8m", "-XX:MaxMetaspaceSize=48m", "-Xshare:off"), Map.of(),
      "as far as flags go: a 16 MiB heap that starts at 4 MiB, 8 MiB code cache, no class data sharing "
          + "(a heap this small is not tried under rollouts here)");

  public static final List<JvmFlagSet> ALL = List.of(DEFAULT, SMALL_HEAP, SMALL_JVM, SMALL_NO_CDS, SMALL_TWO_ARENAS, TINY);

  public JvmFlagSet {
    flags = List.copyOf(flags);
    environment = Map.copyOf(environment);
  }

  /** The set of the given name. */
  public static JvmFlagSet named(String name) {
    for (JvmFlagSet s : ALL) {
      if (s.name.equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no JVM flag set '" + name + "'; known: "
        + ALL.stream().map(JvmFlagSet::name).toList());
  }

  /** Flags and environment as the results table shows them. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    environment.forEach((k, v) -> parts.add(k + "=" + v));
    parts.addAll(flags);
    return parts.isEmpty() ? "(none)" : String.join(" ", parts);
  }

  private static List<String> with(List<String> flags, String more) {
    List<String> all = new ArrayList<>(flags);
    all.add(more);
    return all;
  }
}
