package org.edgefleet.agent.transport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The device's TLS files: every unusable one is refused at start with the setting it came from. */
class DeviceTlsTest {

  @TempDir Path dir;

  @Test
  void missingEmptyAndGarbageFilesAreRefusedNamingTheSetting() throws Exception {
    Path missing = dir.resolve("missing.pem");
    Path empty = Files.writeString(dir.resolve("empty.pem"), "");
    Path garbage = Files.write(dir.resolve("garbage.pem"), new byte[] {0, 1, 2, (byte) 0xff});
    assertThatThrownBy(() -> DeviceTls.sockets(missing, null, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tlsCa");
    assertThatThrownBy(() -> DeviceTls.sockets(empty, null, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tlsCa");
    assertThatThrownBy(() -> DeviceTls.sockets(garbage, null, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tlsCa");
    assertThatThrownBy(() -> DeviceTls.sockets(garbage, garbage, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tlsCertificate").hasMessageContaining("tlsKey");
  }

  @Test
  void aKeyFileThatIsNotPkcs8IsRefused() throws Exception {
    Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> PemFiles.privateKey(key)).hasMessageContaining("PKCS#8");
    Path truncated = Files.writeString(dir.resolve("truncated.pem"), "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n"
        + "-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> PemFiles.privateKey(truncated)).hasMessageContaining("neither an EC nor an RSA key");
  }
}
