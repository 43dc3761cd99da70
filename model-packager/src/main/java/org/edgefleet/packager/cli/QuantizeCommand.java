package org.edgefleet.packager.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.edgefleet.packager.quantize.AccuracyGate;
import org.edgefleet.packager.quantize.AccuracyGateException;
import org.edgefleet.packager.quantize.ActivationRange;
import org.edgefleet.packager.quantize.ActivationType;
import org.edgefleet.packager.quantize.ArrayModelInputs;
import org.edgefleet.packager.quantize.Granularity;
import org.edgefleet.packager.quantize.OnnxQuantizer;
import org.edgefleet.packager.quantize.QuantizationException;
import org.edgefleet.packager.quantize.QuantizationMode;
import org.edgefleet.packager.quantize.QuantizeResult;
import org.edgefleet.protocol.bundle.QuantizationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "quantize", sortOptions = false, header = "Quantize an ONNX model to int8 and check it against the float model.",
    description = {
        "Quantize an ONNX model to int8: MatMul, Gemm and Conv weights per output channel, and (static mode)",
        "activations with calibrated QuantizeLinear/DequantizeLinear pairs. The quantized model is compared with",
        "the float one on the calibration (or --validation) rows and written, with a .quant.json sidecar that",
        "'package' puts into the manifest, only when it passes the accuracy gate. TFLite models are refused:",
        "quantize them at conversion; the packager checks their parameters."})
final class QuantizeCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
  private boolean help;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "The float ONNX model.")
  private Path model;

  @Option(names = "--calibration", required = true, paramLabel = "CSV|NPY|NPZ",
      description = "Rows of model input: activation ranges (static) and, without --validation, the accuracy check.")
  private Path calibration;

  @Option(names = "--validation", paramLabel = "CSV|NPY|NPZ", description = "Rows the accuracy gate compares on instead.")
  private Path validation;

  @Option(names = "--out", paramLabel = "FILE", description = "The quantized model (default: MODEL with .int8.onnx).")
  private Path out;

  @Option(names = "--mode", defaultValue = "static", description = "static or weight-only (default: ${DEFAULT-VALUE}).")
  private String mode;

  @Option(names = "--granularity", defaultValue = "per-channel",
      description = "Weight scales per-channel or per-tensor (default: ${DEFAULT-VALUE}).")
  private String granularity;

  @Option(names = "--activation-type", defaultValue = "uint8", description = "uint8 or int8 (default: ${DEFAULT-VALUE}).")
  private String activationType;

  @Option(names = "--range", defaultValue = "minmax", paramLabel = "minmax|percentile",
      description = "How activation ranges are taken (default: ${DEFAULT-VALUE}).")
  private String range;

  @Option(names = "--percentile", defaultValue = "99.99", paramLabel = "P",
      description = "Percentile kept at each end with --range percentile (default: ${DEFAULT-VALUE}).")
  private double percentile;

  @Option(names = "--ops", split = ",", defaultValue = "MatMul,Gemm,Conv",
      description = "Operator types to quantize (default: ${DEFAULT-VALUE}).")
  private List<String> ops;

  @Option(names = "--classifier-output", paramLabel = "NAME",
      description = "The output holding class scores (top-1 agreement); default: outputs that look like probabilities.")
  private String classifierOutput;

  @Option(names = "--min-agreement", defaultValue = "0.99", paramLabel = "X",
      description = "Least top-1 (and exact, for integer outputs) agreement, 0..1 (default: ${DEFAULT-VALUE}).")
  private double minAgreement;

  @Option(names = "--max-abs-error", paramLabel = "X", description = "Largest absolute error of other float outputs.")
  private Double maxAbsError;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines on stderr.")
  private boolean quiet;

  @Override
  public Integer call() throws IOException {
    Inputs.existingFile(spec, "--model", model);
    Inputs.existingFile(spec, "--calibration", calibration);
    Inputs.existingFile(spec, "--validation", validation);
    PrintWriter err = spec.commandLine().getErr();
    try {
      OnnxQuantizer.Builder builder = OnnxQuantizer.builder()
          .mode(choice("--mode", mode, QuantizationMode.values(), QuantizationMode::wireName))
          .granularity(choice("--granularity", granularity, Granularity.values(), Granularity::wireName))
          .activationType(choice("--activation-type", activationType, ActivationType.values(), ActivationType::wireName))
          .activationRange(activationRange())
          .ops(ops)
          .gate(gate())
          .calibration(ArrayModelInputs.read(calibration))
          .progress(step -> {
            if (!quiet) {
              err.println("  " + step);
              err.flush();
            }
          });
      if (validation != null) {
        builder.validation(ArrayModelInputs.read(validation));
      }
      QuantizeResult result = builder.build().quantize(model, out != null ? out : OnnxQuantizer.defaultOutput(model));
      PrintWriter stdout = spec.commandLine().getOut();
      stdout.printf(Locale.ROOT, "wrote %s: %d bytes (%.3fx the float model's %d); weights %.3fx%n", result.model(),
          result.quantizedFileBytes(), result.fileRatio(), result.floatFileBytes(), result.weightRatio());
      stdout.println("wrote " + result.sidecar() + " (package reads it into the manifest)");
      print(result.quantization().report(), stdout);
      return PackagerCli.OK;
    } catch (AccuracyGateException e) {
      print(e.report(), err);
      err.println("refused: " + e.getMessage() + "; nothing was written");
      err.flush();
      return PackagerCli.FAILED;
    } catch (QuantizationException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return PackagerCli.USAGE;
    }
  }

  private static void print(QuantizationReport report, PrintWriter out) {
    out.printf(Locale.ROOT, "quantized %s, %d weight values%s%n", report.ops(), report.weightValues(),
        report.activationType() == null ? "" : "; activations " + report.activationType() + " from "
            + report.calibrationRows() + " calibration rows (" + report.activationRange() + ")");
    for (QuantizationReport.OutputCheck check : report.outputs()) {
      out.printf(Locale.ROOT, "  %-20s %-5s %s max abs error %.6g, mean %.6g over %d rows%n", check.output(),
          check.measure().wireName(), check.agreement() == null ? "" : String.format(Locale.ROOT, "agreement %.4f,", check.agreement()),
          check.maxAbsError(), check.meanAbsError(), report.comparedRows());
    }
    out.flush();
  }

  private AccuracyGate gate() {
    try {
      return new AccuracyGate(minAgreement, maxAbsError, classifierOutput);
    } catch (IllegalArgumentException e) {
      throw Inputs.usage(spec, e.getMessage());
    }
  }

  private ActivationRange activationRange() {
    try {
      return switch (range.toLowerCase(Locale.ROOT)) {
        case "minmax" -> ActivationRange.minMax();
        case "percentile" -> ActivationRange.percentile(percentile);
        default -> throw Inputs.usage(spec, "--range must be minmax or percentile, got '" + range + "'");
      };
    } catch (IllegalArgumentException e) {
      throw Inputs.usage(spec, "--percentile: " + e.getMessage());
    }
  }

  private <T> T choice(String option, String value, T[] values, Function<T, String> wireName) {
    for (T v : values) {
      if (wireName.apply(v).equalsIgnoreCase(value)) {
        return v;
      }
    }
    throw Inputs.usage(spec, option + " must be one of " + Arrays.stream(values).map(wireName).toList()
        + ", got '" + value + "'");
  }
}
