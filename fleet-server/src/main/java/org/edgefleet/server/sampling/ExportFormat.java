package org.edgefleet.server.sampling;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.DType;
import org.edgefleet.protocol.tensor.Tensor;
import org.edgefleet.protocol.tensor.numpy.Npz;

/**
 * The dataset formats of an export. Each encodes samples page by page into bytes the caller
 * streams out, so an export of any length holds one page in memory: JSON Lines (one sample a
 * line, tensors as the fleet's JSON tensors), CSV (scalar and 1-D tensors, one column per value),
 * and NumPy .npz (any tensor, members {@code s<id>/input/<name>}, {@code s<id>/output/<name>} and
 * {@code s<id>/outcome}).
 */
public enum ExportFormat {
  JSONL("application/x-ndjson", "jsonl"),
  CSV("text/csv; charset=utf-8", "csv"),
  NPZ("application/octet-stream", "npz");

  private final String contentType;
  private final String extension;

  ExportFormat(String contentType, String extension) {
    this.contentType = contentType;
    this.extension = extension;
  }

  public String contentType() {
    return contentType;
  }

  public String extension() {
    return extension;
  }

  /** Why this format cannot hold the sample (the first of an export), or null when it can. */
  public String whyNot(StoredSample first) {
    if (this != CSV || first == null) {
      return null;
    }
    for (Map.Entry<String, Tensor> e : tensors(first).entrySet()) {
      int longDims = 0;
      for (int i = 0; i < e.getValue().rank(); i++) {
        longDims += e.getValue().dim(i) > 1 ? 1 : 0;
      }
      if (longDims > 1) {
        return "format=csv holds scalar and 1-D tensors, but " + e.getKey() + " has shape "
            + Arrays.toString(e.getValue().shape()) + ": export with format=npz (or jsonl)";
      }
    }
    return null;
  }

  /** An encoder for one export; not thread-safe. */
  public Encoder encoder() {
    return switch (this) {
      case JSONL -> new Jsonl();
      case CSV -> new Csv();
      case NPZ -> new NpzEncoder();
    };
  }

  /** Encodes one export's samples, page after page. */
  public interface Encoder {
    /** The bytes of these samples (the first call also writes any header). */
    byte[] page(List<StoredSample> samples);

    /** The bytes that end the export. */
    byte[] finish();
  }

  /** Inputs then outputs, each sorted by name, as the column and member names know them. */
  static Map<String, Tensor> tensors(StoredSample s) {
    Map<String, Tensor> all = new LinkedHashMap<>();
    new TreeMap<>(s.inputs()).forEach((n, t) -> all.put("input/" + n, t));
    new TreeMap<>(s.outputs()).forEach((n, t) -> all.put("output/" + n, t));
    return all;
  }

  private static final class Jsonl implements Encoder {
    @Override
    public byte[] page(List<StoredSample> samples) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      for (StoredSample s : samples) {
        out.writeBytes(Json.write(s));
        out.write('\n');
      }
      return out.toByteArray();
    }

    @Override
    public byte[] finish() {
      return new byte[0];
    }
  }

  /** Columns from the first sample; a later sample of another layout is left out (JSONL and npz hold every one). */
  private static final class Csv implements Encoder {
    private List<String> columns;
    private Map<String, Integer> sizes;

    @Override
    public byte[] page(List<StoredSample> samples) {
      StringBuilder b = new StringBuilder();
      for (StoredSample s : samples) {
        Map<String, Tensor> tensors = tensors(s);
        if (columns == null) {
          header(tensors, b);
        }
        if (!fits(tensors)) {
          continue;
        }
        b.append(s.id()).append(',').append(cell(s.deviceId())).append(',').append(cell(s.requestId())).append(',')
            .append(s.takenAt()).append(',').append(s.outcome() == null ? "" : s.outcome());
        for (String name : columns) {
          Tensor t = tensors.get(name);
          for (int i = 0; i < t.size(); i++) {
            b.append(',').append(t.dtype().isFloating() ? Float.toString(t.floats()[i]) : Long.toString(t.longs()[i]));
          }
        }
        b.append('\n');
      }
      return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void header(Map<String, Tensor> tensors, StringBuilder b) {
      columns = new ArrayList<>(tensors.keySet());
      sizes = new LinkedHashMap<>();
      b.append("id,device_id,request_id,taken_at,outcome");
      tensors.forEach((name, t) -> {
        sizes.put(name, t.size());
        for (int i = 0; i < t.size(); i++) {
          b.append(',').append(cell(t.size() == 1 && t.rank() == 0 ? name : name + "[" + i + "]"));
        }
      });
      b.append('\n');
    }

    private boolean fits(Map<String, Tensor> tensors) {
      if (!tensors.keySet().equals(sizes.keySet())) {
        return false;
      }
      return sizes.entrySet().stream().allMatch(e -> tensors.get(e.getKey()).size() == e.getValue());
    }

    @Override
    public byte[] finish() {
      return columns == null ? "id,device_id,request_id,taken_at,outcome\n".getBytes(StandardCharsets.UTF_8) : new byte[0];
    }

    private static String cell(String text) {
      if (text == null) {
        return "";
      }
      boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
      return quote ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }
  }

  /** Members written one by one through Npz's stream writer; each page's bytes are taken as they come. */
  private static final class NpzEncoder implements Encoder {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Npz.Writer writer = new Npz.Writer(bytes, false);

    @Override
    public byte[] page(List<StoredSample> samples) {
      try {
        for (StoredSample s : samples) {
          String prefix = "s" + s.id() + "/";
          for (Map.Entry<String, Tensor> e : tensors(s).entrySet()) {
            try {
              writer.add(prefix + e.getKey(), e.getValue());
            } catch (IllegalArgumentException unnamable) {
              // A device's tensor name that cannot name an .npz member ('..' parts): JSONL still holds it.
            }
          }
          if (s.outcome() != null) {
            writer.add(prefix + "outcome", Tensor.ofFloats(DType.FLOAT32, new long[] {}, new float[] {s.outcome().floatValue()}));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return take();
    }

    @Override
    public byte[] finish() {
      try {
        writer.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return take();
    }

    private byte[] take() {
      byte[] b = bytes.toByteArray();
      bytes.reset();
      return b;
    }
  }
}
