package org.edgefleet.bench.footprint;

import ai.onnxruntime.OrtEnvironment;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where the footprint benchmark finds the jars of the processes it starts. Run from the shaded
 * jar, the agent gets {@code agent-lib/} beside it (the agent's own jars, built by the module), as
 * on a device; run from a build's class path (the smoke test), that class path is used instead.
 */
final class AgentClasspath {

  static final String AGENT_LIB = "agent-lib";

  private AgentClasspath() {}

  /** The class path for the agent daemon. */
  static String agent() throws IOException {
    Path lib = agentLib();
    return lib != null ? lib + File.separator + "*" : System.getProperty("java.class.path");
  }

  /** ONNX Runtime's jar alone, for the probe that loads only ONNX Runtime. */
  static String onnxRuntimeJar() throws IOException {
    Path lib = agentLib();
    if (lib != null) {
      try (Stream<Path> jars = Files.list(lib)) {
        return jars.filter(p -> p.getFileName().toString().startsWith("onnxruntime-")).findFirst()
            .orElseThrow(() -> new IOException("no onnxruntime jar in " + lib)).toString();
      }
    }
    return location(OrtEnvironment.class).toString();
  }

  private static Path agentLib() throws IOException {
    Path runner = location(AgentClasspath.class);
    Path lib = runner.getParent() == null ? null : runner.getParent().resolve(AGENT_LIB);
    return Files.isRegularFile(runner) && lib != null && Files.isDirectory(lib) ? lib : null;
  }

  private static Path location(Class<?> c) throws IOException {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IOException("cannot locate the jar of " + c.getName(), e);
    }
  }
}
