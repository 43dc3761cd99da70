package org.edgefleet.agent.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The core runs on Android and embeds in other programs: it must name no adapter (MQTT client,
 * inference runtime, SQLite, command line) and no desktop-only API. The pom's enforcer rule keeps
 * the libraries off its class path; this keeps its compiled code from naming them by other routes
 * (the JDK's own desktop APIs, or a class pulled in transitively).
 */
class CoreDependenciesTest {

  /** Internal names of the packages the core must not refer to. */
  static final List<String> BANNED = List.of(
      "org/eclipse/paho/", "ai/onnxruntime/", "org/bytedeco/", "org/tensorflow/", "org/edgefleet/tflite/",
      "org/sqlite/", "java/sql/", "javax/sql/", "picocli/", "io/moquette/",
      "java/awt/", "javax/swing/", "javax/imageio/", "java/lang/management/", "javax/management/", "java/rmi/",
      "org/edgefleet/agent/linux/");

  @TempDir Path dir;

  @Test
  void theCoreNamesNoAdapterAndNoDesktopApi() throws IOException {
    Path classes = Path.of("target/classes");
    assertThat(ClassReferences.countClasses(classes)).as("compiled core classes").isGreaterThan(40);
    assertThat(ClassReferences.find(classes, BANNED)).isEmpty();
  }

  @Test
  void aClassThatNamesABannedApiIsCaught() throws IOException {
    Path src = Files.writeString(dir.resolve("Bad.java"), """
        import java.lang.management.ManagementFactory;
        class Bad {
          java.sql.Connection connection;
          static long uptime() { return ManagementFactory.getRuntimeMXBean().getUptime(); }
          static void swing(javax.swing.JFrame frame) {}
        }
        """);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, "-d", dir.resolve("out").toString(), src.toString())).isZero();

    List<ClassReferences.Violation> found = ClassReferences.find(dir.resolve("out"), BANNED);
    assertThat(found).extracting(ClassReferences.Violation::reference)
        .anyMatch(r -> r.contains("java/sql/Connection"))
        .anyMatch(r -> r.contains("java/lang/management/ManagementFactory"))
        .anyMatch(r -> r.contains("javax/swing/JFrame"));
    assertThat(found).allMatch(v -> v.classFile().equals("Bad.class"));
  }

  @Test
  void aClassFileThatIsNotOneIsRefused() {
    assertThatThrownBy(() -> ClassReferences.constantTexts(new byte[] {1, 2, 3, 4, 0, 0, 0, 0, 0, 1}))
        .isInstanceOf(IOException.class).hasMessageContaining("not a class file");
  }
}
