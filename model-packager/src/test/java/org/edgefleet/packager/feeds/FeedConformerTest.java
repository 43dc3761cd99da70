package org.edgefleet.packager.feeds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data arrays cut into calls that fit every input: sample axes, reuse, casts, symbolic sizes, raw files. */
class FeedConformerTest {

  static final TensorSpec IMAGE = new TensorSpec("img", DType.FLOAT32, List.of(-1L, 2L, 2L), null, null,
      Arrays.asList("batch", null, null));
  static final TensorSpec IDS = new TensorSpec("ids", DType.INT64, List.of(1L, -1L), null, null, Arrays.asList(null, "seq"));
  static final TensorSpec MASK = new TensorSpec("mask", DType.BOOL, List.of(1L, -1L), null, null, Arrays.asList(null, "seq"));

  @TempDir Path dir;

  @Test
  void aLeadingAxisOfSamplesBecomesOneCallEach() throws Exception {
    FeedConformer conformer = new FeedConformer(List.of(IMAGE), DimValues.NONE, Map.of(), false);
    Tensor stacked = Tensor.ofFloats(new long[] {3, 1, 2, 2}, new float[12]);
    assertThat(conformer.calls(List.of(new DataArray(null, stacked, "a.npy")), "a.npy", Set.of()))
        .hasSize(3).allSatisfy(c -> assertThat(c.get("img").shape()).containsExactly(1, 2, 2));
    Tensor rows = Tensor.ofFloats(new long[] {4, 2, 2}, new float[16]);
    assertThat(conformer.calls(List.of(new DataArray("arr_0", rows, "b.npz:arr_0")), "b.npz", Set.of()))
        .hasSize(4).allSatisfy(c -> assertThat(c.get("img").shape()).containsExactly(1, 2, 2));
  }

  @Test
  void integersConvertWhenNothingIsLostAndSharedDimensionsMustAgree() throws Exception {
    FeedConformer conformer = new FeedConformer(List.of(IDS, MASK), DimValues.NONE, Map.of(), false);
    Tensor ids = Tensor.ofLongs(DType.INT32, new long[] {2, 1, 3}, new long[] {1, 2, 3, 4, 5, 6});
    Tensor mask = Tensor.ofFloats(new long[] {1, 3}, new float[] {1, 0, 1});
    List<Map<String, Tensor>> calls = conformer.calls(List.of(new DataArray("ids", ids, "ids"),
        new DataArray("mask", mask, "mask")), "data", Set.of());
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).get("ids")).isEqualTo(Tensor.ofLongs(DType.INT64, new long[] {1, 3}, new long[] {4, 5, 6}));
    assertThat(calls.get(0).get("mask").dtype()).isEqualTo(DType.BOOL);

    Tensor longer = Tensor.ofLongs(DType.BOOL, new long[] {1, 4}, new long[] {1, 1, 1, 1});
    assertThatThrownBy(() -> conformer.calls(List.of(new DataArray("ids", ids, "ids"), new DataArray("mask", longer, "m")),
        "data", Set.of()))
        .hasMessage("sample 0: dimension 'seq' is 3 in input 'ids' but 4 in input 'mask': inputs that share a dimension"
            + " name need one size");
    Tensor half = Tensor.ofFloats(new long[] {1, 3}, new float[] {1, 0.5f, 1});
    assertThatThrownBy(() -> conformer.calls(List.of(new DataArray("ids", ids, "ids"), new DataArray("mask", half, "m")),
        "data", Set.of())).hasMessageContaining("pass --lossy-cast");
    assertThat(new FeedConformer(List.of(IDS, MASK), DimValues.NONE, Map.of(), true).calls(List.of(new DataArray("ids", ids, "ids"),
        new DataArray("mask", half, "m")), "data", Set.of()).get(0).get("mask").longs()).containsExactly(1, 1, 1);
  }

  @Test
  void floatsNarrowToFloat16OnlyWhenExact() throws Exception {
    TensorSpec half = new TensorSpec("h", DType.FLOAT16, List.of(-1L, 2L));
    FeedConformer conformer = new FeedConformer(List.of(half), DimValues.NONE, Map.of(), false);
    Tensor exact = Tensor.ofFloats(new long[] {1, 2}, new float[] {0.5f, 1024f});
    assertThat(conformer.calls(List.of(new DataArray(null, exact, "x")), "x", Set.of()).get(0).get("h").dtype())
        .isEqualTo(DType.FLOAT16);
    Tensor inexact = Tensor.ofFloats(new long[] {1, 2}, new float[] {0.1f, 1f});
    assertThatThrownBy(() -> conformer.calls(List.of(new DataArray(null, inexact, "x")), "x", Set.of()))
        .hasMessageContaining("holds float32 but the model takes float16, and value 0");
  }

  @Test
  void unnamedArraysGoInInputOrderAndMissingStateStartsAtZero() throws Exception {
    TensorSpec x = new TensorSpec("x", DType.FLOAT32, List.of(1L, 2L));
    TensorSpec state = new TensorSpec("h0", DType.FLOAT32, List.of(1L, 4L));
    FeedConformer conformer = new FeedConformer(List.of(x, state), DimValues.NONE, Map.of(), false);
    List<Map<String, Tensor>> calls = conformer.calls(List.of(new DataArray("arr_0",
        Tensor.ofFloats(new long[] {3, 1, 2}, new float[6]), "d.npz:arr_0")), "d.npz", Set.of("h0"));
    assertThat(calls).hasSize(3).allSatisfy(c -> assertThat(c.get("h0").floats()).containsOnly(0f).hasSize(4));
    assertThatThrownBy(() -> conformer.calls(List.of(), "empty.npz", Set.of())).hasMessage("empty.npz holds no arrays");
    DataArray a = new DataArray("arr_0", Tensor.ofFloats(new long[] {1, 2}, new float[2]), "a");
    assertThatThrownBy(() -> conformer.calls(List.of(a, a, a), "three.npz", Set.of()))
        .hasMessageContaining("three.npz holds more unnamed arrays than the model has inputs [x, h0]");
  }

  @Test
  void rawFilesAreCutIntoSamplesOfTheInputsShapeOrTakeAGivenShape() throws Exception {
    Path raw = dir.resolve("img.f32");
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(12 * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < 12; i++) {
      bytes.putFloat(i);
    }
    Files.write(raw, bytes.array());
    DataFiles files = new DataFiles(List.of(IMAGE), List.of(), Map.of(), DimValues.NONE, false);
    DataFiles.Loaded loaded = files.read(List.of("img=" + raw));
    assertThat(loaded.arrays().get(0).tensor().shape()).containsExactly(3, 1, 2, 2);
    List<Map<String, Tensor>> calls = new FeedConformer(List.of(IMAGE), DimValues.NONE, Map.of(), false)
        .calls(loaded.arrays(), loaded.source(), Set.of());
    assertThat(calls.get(2).get("img").floats()).containsExactly(8, 9, 10, 11);

    DataFiles shaped = new DataFiles(List.of(IMAGE), List.of(), Map.of("img", new long[] {5, 2, 2}), DimValues.NONE, false);
    assertThatThrownBy(() -> shaped.read(List.of("img=" + raw))).hasMessageContaining("check the shape and dtype");
    assertThatThrownBy(() -> files.read(List.of("other=" + raw)))
        .isInstanceOf(PackagingException.class).hasMessageContaining("the model has no tensor 'other'; it has [img]");
    assertThatThrownBy(() -> files.read(List.of(dir.resolve("none.npy").toString()))).hasMessageContaining("does not exist");
    Files.writeString(dir.resolve("table.csv"), "a,b\n1,2\n");
    assertThatThrownBy(() -> files.read(List.of(dir.resolve("table.csv").toString())))
        .hasMessageContaining("reads as a CSV table, which feeds a model with one input of shape [batch, n]");
  }

  @Test
  void dimensionSizesParseStrictly() throws Exception {
    assertThat(DimValues.parse(List.of("seq=16", "serving_default_x:0:1=8")).values())
        .containsEntry("seq", 16L).containsEntry("serving_default_x:0:1", 8L);
    for (String bad : List.of("seq", "seq=0", "=3", "seq=-1", "seq=99999999999", "seq=1.5")) {
      assertThatThrownBy(() -> DimValues.parse(List.of(bad))).as(bad).isInstanceOf(PackagingException.class)
          .hasMessageContaining("must be NAME=N");
    }
  }
}
