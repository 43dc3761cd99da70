package org.edgefleet.packager.quantize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefleet.packager.csv.CsvTable;
import org.edgefleet.packager.sample.SampleModel;
import org.edgefleet.packager.sample.SampleModelReport;
import org.edgefleet.packager.sample.ShapeImages;
import org.edgefleet.packager.sample.ShapesCnn;

/** Real models and data to quantize: the sample motor MLP and the shapes CNN, written to a directory. */
final class QuantizeFixtures {

  static final int CNN_TRAINING_IMAGES = 1200;
  static final int CNN_CALIBRATION_IMAGES = 300;

  private QuantizeFixtures() {}

  record Cnn(Path model, Path calibration, Path validation, ShapesCnn network, ShapeImages.Set validationImages) {}

  static Cnn cnn(Path dir) throws IOException {
    ShapesCnn network = ShapesCnn.train(ShapeImages.generate(CNN_TRAINING_IMAGES, 1));
    Path model = dir.resolve("shapes.onnx");
    network.write(model);
    ShapeImages.Set validation = ShapeImages.generate(CNN_CALIBRATION_IMAGES, 3);
    Path calibrationCsv = images(dir.resolve("shapes-calibration.csv"), ShapeImages.generate(CNN_CALIBRATION_IMAGES, 2));
    Path validationCsv = images(dir.resolve("shapes-validation.csv"), validation);
    return new Cnn(model, calibrationCsv, validationCsv, network, validation);
  }

  static SampleModelReport mlp(Path dir) throws IOException {
    return SampleModel.build(dir, SampleModel.DEFAULT_SEED);
  }

  /** One image a row, 256 columns p0..p255, as a CSV feeds a [batch, 1, 16, 16] input. */
  static Path images(Path file, ShapeImages.Set set) throws IOException {
    List<String> columns = new ArrayList<>();
    for (int i = 0; i < ShapeImages.SIZE * ShapeImages.SIZE; i++) {
      columns.add("p" + i);
    }
    CsvTable.of(columns, set.images()).write(file);
    return file;
  }
}
