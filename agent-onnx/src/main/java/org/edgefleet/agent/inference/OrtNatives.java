package org.edgefleet.agent.inference;

import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts ONNX Runtime's native libraries where the agent chooses. Left alone, ORT unpacks about
 * 22 MB into {@code java.io.tmpdir} on every start; here they are unpacked once into a
 * versioned directory (normally under the data dir) and ORT is pointed at it with its own
 * {@code onnxruntime.native.path} property. A property set by the user wins, and so does Android,
 * where the libraries come from the APK.
 */
final class OrtNatives {

  static final String PATH_PROPERTY = "onnxruntime.native.path";
  private static final Logger log = LoggerFactory.getLogger(OrtNatives.class);
  private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni");

  private OrtNatives() {}

  // Synchronized on the class: the property is process-wide, and agents in one JVM may start together.
  static synchronized void prepare(Path nativeDir) throws IOException {
    if (System.getProperty(PATH_PROPERTY) != null || "The Android Project".equals(System.getProperty("java.vendor"))) {
      return;
    }
    String platform = platform();
    if (platform == null) {
      return;
    }
    String version = OrtEnvironment.class.getPackage().getImplementationVersion();
    Path dir = nativeDir.resolve("onnxruntime-" + (version == null ? "dev" : version) + "-" + platform);
    for (String lib : LIBRARIES) {
      String file = System.mapLibraryName(lib).replace(".jnilib", ".dylib");
      Path target = dir.resolve(file);
      if (Files.isRegularFile(target)) {
        continue;
      }
      try (InputStream in = OrtEnvironment.class.getResourceAsStream("/ai/onnxruntime/native/" + platform + "/" + file)) {
        if (in == null) {
          log.debug("event=ort_native_not_bundled platform={} file={}", platform, file);
          return;
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file, ".part");
        try {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
          Files.deleteIfExists(tmp); // a torn copy on a full disk would keep the space the next try needs
        }
      }
    }
    System.setProperty(PATH_PROPERTY, dir.toString());
    log.debug("event=ort_natives_ready dir={}", dir);
  }

  private static String platform() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "aarch64" : null;
    if (cpu == null) {
      return null;
    }
    if (os.contains("linux")) {
      return "linux-" + cpu;
    }
    if (os.contains("mac") || os.contains("darwin")) {
      return "osx-" + cpu;
    }
    return null;
  }
}
