package org.edgefleet.protocol.tensor.numpy;

/** Names what a file's first bytes look like, so a refusal can say what the file is instead. */
final class FileStart {

  private FileStart() {}

  /** The first bytes in hex and as text, with a guess at the real format when one is recognised. */
  static String describe(byte[] start) {
    if (start.length == 0) {
      return "nothing (the file is empty)";
    }
    StringBuilder hex = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(start.length, 8); i++) {
      int b = start[i] & 0xff;
      hex.append(i == 0 ? "" : " ").append(String.format("%02x", b));
      text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
    }
    return hex + " (\"" + text + "\")" + guess(start);
  }

  private static String guess(byte[] s) {
    if (s.length >= 4 && s[0] == 'P' && s[1] == 'K' && s[2] == 3 && s[3] == 4) {
      return ", a zip archive: if it is an .npz, read it as one";
    }
    if (s.length >= 6 && (s[0] & 0xff) == 0x93 && s[1] == 'N' && s[2] == 'U' && s[3] == 'M' && s[4] == 'P' && s[5] == 'Y') {
      return ", a .npy file: read it as one";
    }
    if (s.length >= 8 && s[4] == 'T' && s[5] == 'F' && s[6] == 'L' && s[7] == '3') {
      return ", a TFLite model";
    }
    if (s.length >= 2 && s[0] == 0x08 && s[1] > 0 && s[1] < 16) {
      return ", probably an ONNX model (a protobuf starting with ir_version)";
    }
    return "; a .npy file starts with \\x93NUMPY";
  }
}
