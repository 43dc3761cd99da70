package org.edgefleet.packager.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MlpTrainerTest {

  private final MotorDataset data = MotorDataGenerator.create().dataset(2_000, 5);
  private final MlpTrainer trainer = MlpTrainer.create().withEpochs(10);

  @Test
  void theSameSeedTrainsTheSameWeights() {
    assertThat(trainer.withSeed(3).train(data)).isEqualTo(trainer.withSeed(3).train(data));
    assertThat(trainer.withSeed(4).train(data)).isNotEqualTo(trainer.withSeed(3).train(data));
  }

  @Test
  void learnsAProblemALinearModelCannot() {
    // XOR of two signs: needs the hidden layer.
    Random random = new Random(1);
    float[][] rows = new float[2_000][];
    int[] labels = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      float a = (float) (random.nextDouble() * 2 - 1);
      float b = (float) (random.nextDouble() * 2 - 1);
      rows[i] = new float[] {a * 40 + 100, b * 0.01f};
      labels[i] = (a > 0) == (b > 0) ? 0 : 1;
    }

    Mlp mlp = MlpTrainer.create().withEpochs(60).withSeed(2).train(rows, labels);

    assertThat(ClassificationMetrics.of(mlp.predict(rows), labels).accuracy()).isGreaterThan(0.95);
  }

  @Test
  void bakesTheTrainingStatisticsIntoTheModel() {
    Mlp mlp = trainer.train(data);
    Standardizer fitted = Standardizer.fit(data.features());

    assertThat(mlp.standardizer()).isEqualTo(fitted);
    assertThat(mlp.inputSize()).isEqualTo(8);
    assertThat(mlp.hidden().outputs()).isEqualTo(16);
    assertThat(mlp.classCount()).isEqualTo(2);
  }

  @Test
  void probabilitiesArePositiveAndSumToOne() {
    Mlp mlp = trainer.train(data);
    for (float[] p : mlp.probabilities(data.head(200).features())) {
      assertThat(p[0]).isBetween(0f, 1f);
      assertThat(p[0] + p[1]).isBetween(0.99999f, 1.00001f);
    }
  }

  @Test
  void rejectsBadSettingsAndInput() {
    assertThatThrownBy(() -> trainer.withHiddenUnits(0)).hasMessage("hidden units must be > 0, got 0");
    assertThatThrownBy(() -> trainer.withLearningRate(-1)).hasMessageContaining("got -1.0");
    assertThatThrownBy(() -> trainer.train(new float[][] {{1f}}, new int[] {0, 1}))
        .hasMessage("need a non-empty set of rows with one label each, got 1 rows and 2 labels");
    assertThatThrownBy(() -> trainer.train(new float[][] {{1f}}, new int[] {-1}))
        .hasMessage("labels must be class indices >= 0, got -1");
  }
}
