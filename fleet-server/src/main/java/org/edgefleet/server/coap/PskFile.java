package org.edgefleet.server.coap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.mqtt.Topics;

/**
 * The pre-shared keys of the devices that use DTLS-PSK: one {@code deviceId=hexKey} line per
 * device (16 to 64 key bytes), {@code #} comments and blank lines ignored. The identity a device
 * presents is its id, so the key both authenticates it and names it.
 */
final class PskFile {

  private PskFile() {}

  static Map<String, byte[]> read(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new IOException("cannot read the CoAP PSK file " + file + ": " + e.getMessage(), e);
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      String where = file + " line " + (i + 1);
      if (eq <= 0) {
        throw new IOException(where + ": expected deviceId=hexKey");
      }
      String id = line.substring(0, eq).strip();
      String hex = line.substring(eq + 1).strip();
      if (!Topics.isValidDeviceId(id)) {
        throw new IOException(where + ": '" + id + "' is not a valid device id");
      }
      if (!hex.matches("([0-9a-fA-F]{2}){16,64}")) {
        throw new IOException(where + ": the key of " + id + " must be 16 to 64 bytes in hex");
      }
      if (keys.put(id, unhex(hex)) != null) {
        throw new IOException(where + ": " + id + " has a key already");
      }
    }
    return keys;
  }

  private static byte[] unhex(String hex) {
    byte[] out = new byte[hex.length() / 2];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return out;
  }
}
