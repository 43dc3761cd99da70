package org.edgefleet.protocol.tensor.numpy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.dict;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.fixture;
import static org.edgefleet.protocol.tensor.numpy.NpyFiles.npy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.assertj.core.api.AbstractThrowableAssert;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {

  @TempDir
  Path dir;

  @Test
  void storedAndDeflatedArchivesRoundTripInOrder() throws IOException {
    List<NumpyArray> arrays = List.of(
        NumpyArray.of("z_last_name_first", NpyTest.sample(DType.FLOAT32, new long[] {2, 3})),
        NumpyArray.of("mask", NpyTest.sample(DType.BOOL, new long[] {4})),
        NumpyArray.of("step", NpyTest.sample(DType.INT64, new long[0])),
        NumpyArray.of("state", NpyTest.sample(DType.FLOAT16, new long[] {1, 2, 1, 2, 1})));
    Path stored = dir.resolve("s.npz");
    Path deflated = dir.resolve("d.npz");
    Npz.write(stored, arrays);
    Npz.writeCompressed(deflated, arrays);

    assertThat(Npz.read(stored)).isEqualTo(arrays);
    assertThat(Npz.read(deflated)).isEqualTo(arrays);
    assertThat(Files.size(deflated)).isLessThan(Files.size(stored));

    Map<String, Tensor> named = new LinkedHashMap<>();
    named.put("b", Tensor.row(1f, 2f));
    named.put("a", Tensor.ofLongs(DType.UINT8, new long[] {1}, new long[] {255}));
    Path fromMap = dir.resolve("m.npz");
    Npz.write(fromMap, named);
    assertThat(Npz.read(fromMap)).extracting(NumpyArray::name).containsExactly("b", "a");
  }

  @Test
  void theStreamWriterGivesTheArchiveMemberByMemberAsTheBytesAreTaken() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Integer> sizes = new java.util.ArrayList<>();
    try (Npz.Writer writer = new Npz.Writer(out, false)) {
      writer.add("s1/input/onnx::Flatten_0", NpyTest.sample(DType.FLOAT32, new long[] {1, 2, 3}));
      sizes.add(out.size());
      writer.add("s1/input/steps", NpyTest.sample(DType.INT64, new long[0]));
      sizes.add(out.size());
      assertThatThrownBy(() -> writer.add("s1/input/steps", Tensor.row(1f))).hasMessageContaining("two arrays");
      assertThatThrownBy(() -> writer.add("s1/../x", Tensor.row(1f))).hasMessageContaining("looks like a path");
    }
    assertThat(sizes.get(0)).isPositive().isLessThan(sizes.get(1));
    Map<String, Tensor> back = Npz.tensors(Npz.read("stream", out.toByteArray(), 1 << 20));
    assertThat(back).containsOnlyKeys("s1/input/onnx::Flatten_0", "s1/input/steps");
    assertThat(back.get("s1/input/steps")).isEqualTo(NpyTest.sample(DType.INT64, new long[0]));
  }

  @Test
  void readsArchivesNumpyWrote() throws IOException {
    List<NumpyArray> stored = Npz.read(fixture("stored.npz"));
    assertThat(stored).extracting(NumpyArray::name).containsExactly("x", "y");
    assertThat(stored.get(0).tensor()).isEqualTo(Tensor.ofLongs(DType.INT32, new long[] {4}, new long[] {0, 1, 2, 3}));
    assertThat(stored.get(1).tensor()).isEqualTo(Tensor.ofFloats(DType.FLOAT16, new long[] {2, 2}, new float[] {1, 1, 1, 1}));

    List<NumpyArray> deflated = Npz.read(fixture("deflated.npz"));
    assertThat(deflated).extracting(NumpyArray::name).containsExactly("y", "x");
    assertThat(deflated.get(0).tensor().longs()).containsExactly(0, 1, 2);
    assertThat(deflated.get(1).tensor().shape()).containsExactly(2, 0);
    assertThat(deflated.get(1).sourceDtype()).isEqualTo("|i1");
  }

  @Test
  void refusesZipBombs() throws IOException {
    // A member whose header claims 200 MB: refused on the header, before any data is inflated.
    byte[] claimed = npy(1, dict("|u1", "(200000000,)"), new byte[0]);
    Path claims = zip("claims.npz", true, Map.of("bomb.npy", claimed));
    assertThatThrownBy(() -> Npz.read(claims, 1 << 20)).isInstanceOf(InputFileException.class)
        .hasMessageContaining("member 'bomb.npy': the header's shape (200000000,) of '|u1' needs 200000000 data bytes, over the 1048576 bytes left");

    // A small header followed by 50 MB of zeros: stops one byte past the declared data.
    byte[] runsOn = new byte[50_000_000];
    System.arraycopy(npy(1, dict("|u1", "(4,)"), new byte[4]), 0, runsOn, 0, 132);
    Path trailing = zip("trailing.npz", true, Map.of("bomb.npy", runsOn));
    assertThat(Files.size(trailing)).isLessThan(100_000);
    assertThatThrownBy(() -> Npz.read(trailing)).isInstanceOf(InputFileException.class)
        .hasMessageContaining("member 'bomb.npy': the header's shape (4,) of '|u1' needs 4 data bytes, but more data follows");

    // Members each under the limit, together over it: the archive's budget counts inflated bytes.
    byte[] member = npy(1, dict("|u1", "(600,)"), new byte[600]);
    Map<String, byte[]> two = new LinkedHashMap<>();
    two.put("a.npy", member);
    two.put("b.npy", member);
    Path many = zip("many.npz", true, two);
    assertThat(Npz.read(many, 2000)).hasSize(2);
    assertThatThrownBy(() -> Npz.read(many, 1200)).isInstanceOf(InputFileException.class)
        .hasMessageContaining("member 'b.npy': the header's shape (600,) of '|u1' needs 600 data bytes, over the 472 bytes"
            + " left of the archive's limit of 1200");
    // 650 bytes left pass b's declared 600 data bytes, but its 128-byte header counts too.
    assertThatThrownBy(() -> Npz.read(many, 1378)).isInstanceOf(InputFileException.class)
        .hasMessageContaining("member 'b.npy': the archive unpacks to more than the limit of 1378 bytes");
  }

  @Test
  void refusesArchivesOfTooManyMembers() throws IOException {
    byte[] one = npy(1, dict("|u1", "(1,)"), new byte[1]);
    Map<String, byte[]> members = new LinkedHashMap<>();
    for (int i = 0; i <= Npz.MAX_MEMBERS; i++) {
      members.put("m" + i + ".npy", one);
    }
    refused(zip("crowd.npz", false, members)).hasMessageContaining("the archive has 4097 members, more than the 4096");
  }

  @Test
  void refusesMembersThatAreNotUniquelyNamedNpyArrays() throws IOException {
    byte[] one = npy(1, dict("<f4", "(1,)"), NpyFiles.floatsLe(1));
    refused(zip("txt.npz", false, Map.of("readme.txt", one))).hasMessageContaining("member 'readme.txt': not an .npy member");
    refused(zip("dir.npz", false, Map.of("up/../x.npy", one))).hasMessageContaining("looks like a path");
    refused(zip("abs.npz", false, Map.of("/x.npy", one))).hasMessageContaining("looks like a path");
    refused(zip("win.npz", false, Map.of("..\\x.npy", one))).hasMessageContaining("looks like a path");
    refused(zip("nul.npz", false, Map.of("a\u0000b.npy", one))).hasMessageContaining("control character");

    // ZipOutputStream refuses duplicate names, so rename the second member in place (same length).
    Map<String, byte[]> two = new LinkedHashMap<>();
    two.put("a.npy", one);
    two.put("b.npy", one);
    Path dup = zip("dup.npz", false, two);
    String latin = new String(Files.readAllBytes(dup), StandardCharsets.ISO_8859_1).replace("b.npy", "a.npy");
    Files.write(dup, latin.getBytes(StandardCharsets.ISO_8859_1));
    refused(dup).hasMessageContaining("member 'a.npy': the archive holds two members named 'a.npy'");

    refused(zip("pickle.npz", false, Map.of("obj.npy", Files.readAllBytes(fixture("object.npy")))))
        .hasMessageContaining("member 'obj.npy': header field 'descr' is '|O': object arrays are Python pickles");
    refused(zip("lies.npz", true, Map.of("t.npy", npy(1, dict("<f4", "(9,)"), new byte[8]))))
        .hasMessageContaining("member 't.npy'").hasMessageContaining("the data ends after 8 bytes (truncated)");
  }

  @Test
  void refusesFilesThatAreNotNpzArchives() throws IOException {
    refused(fixture("f8-2x3.npy")).hasMessageContaining("not an .npz file (a zip archive): it starts with 93 4e 55 4d")
        .hasMessageContaining("a .npy file: read it as one");
    Path broken = Files.write(dir.resolve("broken.npz"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
    refused(broken).hasMessageContaining("not a readable zip archive");
  }

  @Test
  void archivesInMemoryAreReadWithTheSameChecksAndLimit() throws IOException {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put("dense/BiasAdd:0", NpyTest.sample(DType.FLOAT32, new long[] {2, 3}));
    tensors.put("onnx::Flatten_0", NpyTest.sample(DType.UINT8, new long[] {4}));
    byte[] archive = Npz.toBytes(tensors);
    assertThat(Npz.tensors(Npz.read("body", archive, Npy.DEFAULT_MAX_BYTES))).isEqualTo(tensors);
    assertThat(Npz.tensors(Npz.read("body", archive, Long.MAX_VALUE))).isEqualTo(tensors); // no limit: no overflow
    assertThat(Npz.tensors(Npz.read(Files.write(dir.resolve("m.npz"), archive)))).isEqualTo(tensors);

    byte[] claimed = npy(1, dict("|u1", "(200000000,)"), new byte[0]);
    byte[] bomb = Files.readAllBytes(zip("claims.npz", true, Map.of("bomb.npy", claimed)));
    assertThatThrownBy(() -> Npz.read("body", bomb, 1 << 20)).isInstanceOf(InputTooLargeException.class)
        .hasMessageContaining("body member 'bomb.npy': the header's shape (200000000,)");
    byte[] member = npy(1, dict("|u1", "(600,)"), new byte[600]);
    Map<String, byte[]> two = new LinkedHashMap<>();
    two.put("a.npy", member);
    two.put("b.npy", member);
    byte[] many = Files.readAllBytes(zip("many.npz", true, two));
    assertThat(Npz.read("body", many, 2000)).hasSize(2);
    assertThatThrownBy(() -> Npz.read("body", many, 1378)).isInstanceOf(InputTooLargeException.class)
        .hasMessageContaining("body member 'b.npy': the archive unpacks to more than the limit of 1378 bytes");
    byte[] path = Files.readAllBytes(zip("up.npz", false, Map.of("up/../x.npy", npy(1, dict("|u1", "(0,)"), new byte[0]))));
    assertThatThrownBy(() -> Npz.read("body", path, 1 << 20)).hasMessageContaining("looks like a path");
    assertThatThrownBy(() -> Npz.read("body", "not a zip".getBytes(StandardCharsets.US_ASCII), 1 << 20))
        .isInstanceOf(InputFileException.class).hasMessageContaining("body: not an .npz file");
    assertThatThrownBy(() -> Npz.read("body", new byte[] {'P', 'K', 3, 4, 1, 2, 3}, 1 << 20))
        .isInstanceOf(InputFileException.class);
    byte[] truncated = Arrays.copyOf(archive, archive.length / 2);
    assertThatThrownBy(() -> Npz.read("body", truncated, 1 << 20)).isInstanceOf(InputFileException.class);
  }

  private Path zip(String name, boolean deflate, Map<String, byte[]> members) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setMethod(deflate ? ZipOutputStream.DEFLATED : ZipOutputStream.STORED);
      for (Map.Entry<String, byte[]> m : members.entrySet()) {
        ZipEntry e = new ZipEntry(m.getKey());
        if (!deflate) {
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(m.getValue());
          e.setSize(m.getValue().length);
          e.setCrc(crc.getValue());
        }
        zip.putNextEntry(e);
        zip.write(m.getValue());
        zip.closeEntry();
      }
    }
    return Files.write(dir.resolve(name), bytes.toByteArray());
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(Path file) {
    return assertThatThrownBy(() -> Npz.read(file)).isInstanceOf(InputFileException.class)
        .hasMessageStartingWith(file.toString());
  }
}
