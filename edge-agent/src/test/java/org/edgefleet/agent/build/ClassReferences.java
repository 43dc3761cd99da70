package org.edgefleet.agent.build;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which packages compiled classes refer to, read from their constant pools (every class, field
 * and method a class uses is named there, in descriptors too). What javac compiled against is
 * what the class needs at run time, whatever the pom says.
 */
final class ClassReferences {

  private static final int MAGIC = 0xCAFEBABE;

  private ClassReferences() {}

  /** One class that names a banned package. */
  record Violation(String classFile, String reference) {
    @Override
    public String toString() {
      return classFile + " refers to " + reference;
    }
  }

  /** Every reference of the classes under {@code root} to a package in {@code banned} (internal form, "java/sql/"). */
  static List<Violation> find(Path root, List<String> banned) throws IOException {
    List<Violation> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        for (String text : constantTexts(Files.readAllBytes(file))) {
          for (String prefix : banned) {
            if (text.startsWith(prefix) || text.contains("L" + prefix)) {
              found.add(new Violation(root.relativize(file).toString(), text));
            }
          }
        }
      }
    }
    return found;
  }

  static long countClasses(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(f -> f.toString().endsWith(".class")).count();
    }
  }

  /** The UTF-8 entries of a class file's constant pool: class names, descriptors, strings. */
  static TreeSet<String> constantTexts(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    if (in.readInt() != MAGIC) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    int count = in.readUnsignedShort();
    TreeSet<String> texts = new TreeSet<>();
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> texts.add(in.readUTF());
        case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
        case 15 -> in.skipNBytes(3);
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
        case 5, 6 -> {
          in.skipNBytes(8);
          i++; // a long or double takes two entries
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
      }
    }
    return texts;
  }
}
