package org.edgefleet.server.support;

import java.io.IOException;
import java.nio.file.Path;
import org.edgefleet.protocol.trust.KeyFiles;
import org.edgefleet.protocol.trust.SigningKey;
import org.edgefleet.server.config.ServerConfig;

/** Server settings for tests: loopback, free ports, the given data directory. */
public final class TestServers {

  private TestServers() {}

  public static ServerConfig.Builder config(Path dataDir) {
    return ServerConfig.builder().dataDir(dataDir).httpHost("127.0.0.1").httpPort(0).mqttHost("127.0.0.1").mqttPort(0);
  }

  /** Writes the key's public key file into dir, for the server to trust. */
  public static Path trustedKey(Path dir, SigningKey key) throws IOException {
    Path p = dir.resolve(key.keyId() + ".pub.json");
    KeyFiles.writePublic(p, key.publicKey());
    return p;
  }

  /** The value of a Prometheus sample line, e.g. {@code fleet_device_messages_rejected_total{reason="malformed",}}. */
  public static double metric(String prometheusText, String name, String labelValue) {
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith(name) && (labelValue == null || line.contains("\"" + labelValue + "\""))) {
        String[] parts = line.trim().split(" ");
        return Double.parseDouble(parts[parts.length - 1]);
      }
    }
    return 0;
  }
}
