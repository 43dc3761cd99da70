package org.edgefleet.packager.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import org.edgefleet.protocol.bundle.FeatureStats;
import org.edgefleet.protocol.bundle.FileEntry;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TensorSpec;

/** A manifest as a few readable lines. */
final class ManifestSummary {

  private ManifestSummary() {}

  static void print(Manifest m, PrintWriter out) {
    out.printf("%s version %d (%s, schema %d)%n", m.name(), m.version(), m.format().wireName(), m.schema());
    if (m.description() != null && !m.description().isBlank()) {
      out.println("  description:  " + m.description());
    }
    out.println("  created:      " + m.createdAt());
    out.println("  expires:      " + m.expiresAt());
    out.println("  signed by:    key " + m.keyId());
    Manifest.RuntimeRequirements rt = m.runtime();
    if (rt != null) {
      out.println("  runtime:      agent >= " + rt.minAgentVersion() + ", " + String.join("/", rt.architectures())
          + (rt.opset() != null ? ", opset " + rt.opset() : ""));
    }
    m.inputs().forEach(t -> out.println("  input:        " + tensor(t)));
    m.outputs().forEach(t -> out.println("  output:       " + tensor(t)));
    Manifest.Quantization q = m.quantization();
    out.println("  quantization: " + q.scheme() + (q.granularity() != null ? ", " + q.granularity() : "")
        + (q.quantized().isEmpty() ? "" : " " + q.quantized()));
    if (q.report() != null) {
      q.report().outputs().forEach(c -> out.printf(Locale.ROOT, "    vs float:   %s %s%s, max abs error %.4g over %d rows%n",
          c.output(), c.measure().wireName(), c.agreement() == null ? "" : String.format(Locale.ROOT, " agreement %.4f", c.agreement()),
          c.maxAbsError(), q.report().comparedRows()));
    }
    for (FileEntry f : m.files()) {
      out.printf("  file:         %s, %d bytes, sha256 %s%s%n", f.path(), f.size(), f.sha256(),
          f.path().equals(m.modelFile()) ? " (model)" : "");
    }
    long sequences = m.testVectors().stream().filter(v -> v.continuesSequence()).count();
    out.printf("  test vectors: %d%s%n", m.testVectors().size(),
        sequences == 0 ? "" : " (" + (m.testVectors().size() - sequences) + " sequence(s), state carried " + sequences + " times)");
    out.printf("  reference statistics: %d histograms%n", m.referenceStats().size());
    for (FeatureStats s : m.referenceStats()) {
      List<Double> edges = s.binEdges();
      long total = s.counts().stream().mapToLong(Long::longValue).sum();
      out.printf(Locale.ROOT, "    %-20s %2d bins over [%s, %s], %d values%n", label(s), s.counts().size(),
          number(edges.get(0)), number(edges.get(edges.size() - 1)), total);
    }
  }

  private static String tensor(TensorSpec t) {
    return ModelSummary.tensor(t) + (t.features() != null ? " features " + t.features() : "");
  }

  private static String label(FeatureStats s) {
    return switch (s.summary()) {
      case FEATURE -> s.feature();
      case CHANNEL, VALUES -> s.input() + " " + s.feature();
    };
  }

  private static String number(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
