package org.edgefleet.packager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefleet.protocol.trust.KeySetFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three root holders, two must sign: create, sign one at a time, verify, rotate, and the refusals. */
class KeySetCommandTest {

  @TempDir Path dir;

  @Test
  void rootHoldersSignOneAtATimeAndDevicesTrustOnlyAThreshold() throws Exception {
    for (String name : new String[] {"root1", "root2", "root3", "packager", "server"}) {
      String role = name.startsWith("root") ? "root" : name;
      assertThat(run("keygen", "--out-dir", dir.toString(), "--name", name, "--role", role).code()).isZero();
    }
    String roots = pub("root1") + "," + pub("root2") + "," + pub("root3");
    Path v1 = dir.resolve("keyset-v1.json");
    Run created = run("keyset", "create", "--out", v1.toString(), "--version", "1", "--threshold", "2", "--root", roots,
        "--key", pub("packager"), "--key", pub("server"));
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out()).contains("unsigned");

    Run unsigned = run("keyset", "verify", "--keyset", v1.toString());
    assertThat(unsigned.code()).isEqualTo(PackagerCli.FAILED);
    assertThat(unsigned.err()).contains("BELOW_THRESHOLD", "has 0");

    assertThat(run("keyset", "sign", "--keyset", v1.toString(), "--key", key("root1")).out()).contains("1 of the 2");
    assertThat(run("keyset", "verify", "--keyset", v1.toString()).err()).contains("BELOW_THRESHOLD", "has 1");
    assertThat(run("keyset", "sign", "--keyset", v1.toString(), "--key", key("root1")).out())
        .as("the same holder signing again counts once").contains("1 of the 2");
    assertThat(run("keyset", "sign", "--keyset", v1.toString(), "--key", key("root3")).out()).contains("2 of the 2");
    Run ok = run("keyset", "verify", "--keyset", v1.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("OK: key set v1", "root 2 of 3");

    // v2 revokes the packager key; checked against v1 as a device holding v1 would.
    Path v2 = dir.resolve("keyset-v2.json");
    String packagerId = KeySetFiles.read(v1).keySet().ofRole(org.edgefleet.protocol.trust.KeyRole.PACKAGER).get(0).keyId();
    assertThat(run("keyset", "create", "--out", v2.toString(), "--version", "2", "--threshold", "2", "--root", roots,
        "--key", pub("server"), "--revoke", packagerId).code()).isZero();
    run("keyset", "sign", "--keyset", v2.toString(), "--key", key("root2"));
    run("keyset", "sign", "--keyset", v2.toString(), "--key", key("root3"));
    Run rotated = run("keyset", "verify", "--keyset", v2.toString(), "--trusted", v1.toString());
    assertThat(rotated.code()).as(rotated.err()).isZero();
    assertThat(rotated.out()).contains("revoked: " + packagerId);
    Run replay = run("keyset", "verify", "--keyset", v1.toString(), "--trusted", v2.toString());
    assertThat(replay.code()).isEqualTo(PackagerCli.FAILED);
    assertThat(replay.err()).contains("VERSION_NOT_NEWER");
  }

  @Test
  void wrongKeysAndBrokenFilesAreRefusedWithTheOptionNamed() throws Exception {
    run("keygen", "--out-dir", dir.toString(), "--name", "root1", "--role", "root");
    run("keygen", "--out-dir", dir.toString(), "--name", "packager");
    Run packagerAsRoot = run("keyset", "create", "--out", dir.resolve("k.json").toString(), "--version", "1",
        "--threshold", "1", "--root", pub("packager"));
    assertThat(packagerAsRoot.code()).isEqualTo(PackagerCli.USAGE);
    assertThat(packagerAsRoot.err()).contains("--root", "packager key");
    Run thresholdTooHigh = run("keyset", "create", "--out", dir.resolve("k.json").toString(), "--version", "1",
        "--threshold", "2", "--root", pub("root1"));
    assertThat(thresholdTooHigh.code()).isEqualTo(PackagerCli.USAGE);
    assertThat(thresholdTooHigh.err()).contains("rootThreshold must be 1..1");

    Path k = dir.resolve("k.json");
    assertThat(run("keyset", "create", "--out", k.toString(), "--version", "1", "--threshold", "1", "--root", pub("root1"))
        .code()).isZero();
    Run packagerSigns = run("keyset", "sign", "--keyset", k.toString(), "--key", key("packager"));
    assertThat(packagerSigns.code()).isEqualTo(PackagerCli.USAGE);
    assertThat(packagerSigns.err()).contains("root keys");
    assertThat(KeySetFiles.read(k).signatures()).isEmpty();

    Files.writeString(k, "{\"v\":1,\"payload\":\"{]\"}");
    Run broken = run("keyset", "verify", "--keyset", k.toString());
    assertThat(broken.code()).isEqualTo(PackagerCli.FAILED);
    assertThat(broken.err()).contains("MALFORMED");
  }

  private String pub(String name) {
    return dir.resolve(name + ".pub").toString();
  }

  private String key(String name) {
    return dir.resolve(name + ".key").toString();
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = PackagerCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private record Run(int code, String out, String err) {}
}
