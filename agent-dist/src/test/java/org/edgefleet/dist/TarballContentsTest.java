package org.edgefleet.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.edgefleet.agent.linux.DaemonConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What each tarball carries: its architecture's natives only, a runnable launcher, a config the daemon reads. */
class TarballContentsTest {

  /** How each library names the architecture in its jar's native paths. */
  static final Map<String, List<String>> NATIVE_DIRS = Map.of(
      "x86_64", List.of("ai/onnxruntime/native/linux-x64/", "org/sqlite/native/Linux/x86_64/", "org/bytedeco/javacpp/linux-x86_64/",
          "org/bytedeco/tensorflowlite/linux-x86_64/"),
      "aarch64", List.of("ai/onnxruntime/native/linux-aarch64/", "org/sqlite/native/Linux/aarch64/", "org/bytedeco/javacpp/linux-arm64/",
          "org/bytedeco/tensorflowlite/linux-arm64/"));

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"x86_64", "aarch64"})
  void carriesOnlyItsArchitecturesNatives(String arch) throws Exception {
    Path home = unpack(arch);
    List<String> natives = new ArrayList<>();
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      for (Path jar : jars.toList()) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          Collections.list(zip.entries()).stream().map(ZipEntry::getName)
              .filter(n -> n.endsWith(".so") || n.endsWith(".dylib") || n.endsWith(".dll") || n.endsWith(".jnilib") || n.contains(".dSYM/"))
              .forEach(n -> natives.add(jar.getFileName() + "!" + n));
        }
      }
    }
    assertThat(natives).as("native libraries in %s's jars", arch).isNotEmpty()
        .allMatch(n -> NATIVE_DIRS.get(arch).stream().anyMatch(d -> n.contains("!" + d)), "under " + NATIVE_DIRS.get(arch));
    for (String library : List.of("libonnxruntime.so", "libonnxruntime4j_jni.so", "libsqlitejdbc.so", "libjnitensorflowlite.so")) {
      assertThat(natives).as(library).anyMatch(n -> n.endsWith("/" + library));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"x86_64", "aarch64"})
  void hasAnExecutableLauncherAUnitAndAConfigTheDaemonAccepts(String arch) throws Exception {
    Path home = unpack(arch);
    assertThat(Files.getPosixFilePermissions(home.resolve("bin/edgefleet-agent"))).contains(PosixFilePermission.OTHERS_EXECUTE);
    assertThat(Files.readString(home.resolve("bin/edgefleet-agent"))).startsWith("#!/bin/sh\n").contains("linux-" + arch);
    assertThat(Files.readString(home.resolve("systemd/edgefleet-agent.service")))
        .contains("Restart=on-failure", "User=edgefleet", "StateDirectory=edgefleet-agent", "NoNewPrivileges=yes",
            "ExecStart=/opt/edgefleet-agent/bin/edgefleet-agent --config /etc/edgefleet/agent.json");
    // Every key of the example is one of the daemon's (it refuses unknown ones); the key files are the installer's.
    DaemonConfig example = DaemonConfig.read(home.resolve("etc/agent.json"));
    assertThat(example.dataDir()).isEqualTo(Path.of("/var/lib/edgefleet-agent"));
    assertThat(example.localApi()).as("the local endpoint is off unless the installer adds a localApi block").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"x86_64", "aarch64"})
  void shipsNoSignedJarAndKeepsMultiReleaseJars(String arch) throws Exception {
    // A signed jar costs the daemon its verification and a manifest of every entry's digest on the heap.
    List<String> signed = new ArrayList<>();
    try (Stream<Path> jars = Files.list(unpack(arch).resolve("lib"))) {
      for (Path jar : jars.toList()) {
        try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
          Collections.list(j.entries()).stream().map(ZipEntry::getName)
              .filter(n -> n.startsWith("META-INF/") && (n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".EC")))
              .forEach(n -> signed.add(jar.getFileName() + "!" + n));
          if (jar.getFileName().toString().startsWith("bcprov-")) {
            assertThat(j.isMultiRelease()).as("bcprov stays a multi-release jar").isTrue();
            assertThat(j.getManifest().getEntries()).as("bcprov's per-entry manifest sections").isEmpty();
            assertThat(j.getEntry("org/bouncycastle/math/ec/rfc8032/Ed25519.class")).isNotNull();
          }
        }
      }
    }
    assertThat(signed).as("signature files in %s's jars", arch).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"x86_64", "aarch64"})
  void carriesTheLocalEndpoint(String arch) throws Exception {
    List<Path> jars;
    try (Stream<Path> lib = Files.list(unpack(arch).resolve("lib"))) {
      jars = lib.filter(j -> j.getFileName().toString().startsWith("agent-local-api-")).toList();
    }
    assertThat(jars).as("agent-local-api's jar in lib/").hasSize(1);
    try (ZipFile zip = new ZipFile(jars.get(0).toFile())) {
      assertThat(zip.getEntry("org/edgefleet/agent/localapi/LocalApiServer.class")).isNotNull();
    }
  }

  private Path unpack(String arch) throws IOException, InterruptedException {
    UnpackedAgent.run(Duration.ofMinutes(1),
        List.of("tar", "-xzf", UnpackedAgent.tarball(arch).toAbsolutePath().toString(), "-C", dir.toString()));
    return dir.resolve(UnpackedAgent.DIST_NAME + "-linux-" + arch);
  }
}
