package org.edgefleet.protocol.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {

  @TempDir Path dir;

  @Test
  void keysRoundTripAndPrivateFilesAreOwnerOnly() throws Exception {
    SigningKey key = SigningKey.generate(KeyRole.PACKAGER);
    Path priv = dir.resolve("k.key.json");
    Path pub = dir.resolve("k.pub.json");
    KeyFiles.writePrivate(priv, key);
    KeyFiles.writePublic(pub, key.publicKey());
    assertThat(KeyFiles.readPrivate(priv)).isEqualTo(key);
    assertThat(KeyFiles.readPublic(pub)).isEqualTo(key.publicKey());
    assertThat(KeyFiles.readPublic(priv)).isEqualTo(key.publicKey());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
    TrustStore trust = KeyFiles.trustStore(List.of(pub));
    byte[] msg = "hello".getBytes(StandardCharsets.UTF_8);
    trust.verify(key.keyId(), KeyRole.PACKAGER, msg, key.sign(msg));
    assertThatThrownBy(() -> trust.verify(key.keyId(), KeyRole.SERVER, msg, key.sign(msg)))
        .isInstanceOfSatisfying(SignatureException.class, e -> assertThat(e.reason()).isEqualTo(SignatureException.Reason.WRONG_ROLE));
  }

  @Test
  void badKeyFilesSayWhatIsWrong() throws Exception {
    assertBad("{", "not a key file");
    assertBad("{\"v\":1,\"algorithm\":\"rsa\",\"role\":\"packager\"}", "ed25519");
    assertBad("{\"v\":1,\"algorithm\":\"ed25519\",\"role\":\"packager\",\"publicKey\":\"!!\"}", "base64");
    assertBad("{\"v\":1,\"algorithm\":\"ed25519\",\"role\":\"packager\",\"keyId\":\"0000\",\"publicKey\":\""
        + java.util.Base64.getEncoder().encodeToString(new byte[32]) + "\"}", "does not match");
    Path big = dir.resolve("big.json");
    Files.write(big, new byte[20_000]);
    assertThatThrownBy(() -> KeyFiles.readPublic(big)).isInstanceOf(IOException.class).hasMessageContaining("too large");
  }

  private void assertBad(String content, String message) throws IOException {
    Path f = Files.writeString(dir.resolve("bad.json"), content);
    assertThatThrownBy(() -> KeyFiles.readPublic(f)).isInstanceOf(IOException.class).hasMessageContaining(message);
  }
}
