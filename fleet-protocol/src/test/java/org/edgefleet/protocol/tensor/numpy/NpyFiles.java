package org.edgefleet.protocol.tensor.numpy;

import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Hand-built .npy bytes, laid out exactly as np.save lays them out, and the NumPy-made fixtures. */
final class NpyFiles {

  private NpyFiles() {}

  /** A fixture written by NumPy itself (src/test/resources/numpy/make-fixtures.py). */
  static Path fixture(String name) {
    try {
      return Path.of(NpyFiles.class.getResource("/numpy/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Magic, version, header length, the dict padded with spaces and '\n' to 64 bytes, then the data. */
  static byte[] npy(int major, String dict, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    int pad = 64 - ((8 + lengthBytes + dict.getBytes(StandardCharsets.UTF_8).length + 1) % 64);
    byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    return raw(major, header.length, header, data);
  }

  /** Full control, for headers that lie: the length field says headerLength whatever header holds. */
  static byte[] raw(int major, long headerLength, byte[] header, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    for (int i = 0; i < (major == 1 ? 2 : 4); i++) {
      out.write((int) (headerLength >>> (8 * i)) & 0xff);
    }
    out.writeBytes(header);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] floatsLe(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  static String dict(String descr, String shape) {
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  }
}
