package org.edgefleet.packager.sample;

import java.util.Random;

/**
 * Synthetic grey images of one bar each, for the sample CNN: a horizontal, vertical, diagonal
 * or anti-diagonal bar (the four classes) of random position, length and brightness on a noisy
 * background. Rows are flattened row-major, {@code size} x {@code size} pixels ({@value #SIZE} unless
 * asked otherwise); bars grow with the image.
 */
public final class ShapeImages {

  public static final int SIZE = 16;
  public static final int CLASSES = 4;
  private static final double NOISE = 0.15;

  /** Images of {@code size} x {@code size} pixels and their classes (0 horizontal, 1 vertical, 2 diagonal, 3 anti-diagonal). */
  public record Set(float[][] images, int[] labels, int size) {}

  private ShapeImages() {}

  public static Set generate(int count, long seed) {
    return generate(count, seed, SIZE);
  }

  public static Set generate(int count, long seed, int size) {
    if (size < SIZE) {
      throw new IllegalArgumentException("images must be at least " + SIZE + " pixels wide, got " + size);
    }
    Random random = new Random(seed);
    float[][] images = new float[count][];
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = random.nextInt(CLASSES);
      images[i] = image(labels[i], random, size);
    }
    return new Set(images, labels, size);
  }

  private static float[] image(int shape, Random random, int size) {
    float[] pixels = new float[size * size];
    for (int p = 0; p < pixels.length; p++) {
      pixels[p] = (float) (random.nextGaussian() * NOISE);
    }
    int length = size / 2 - 1 + random.nextInt(size * 3 / 8);
    int row = 2 + random.nextInt(size - 4 - (shape == 0 ? 0 : length - 4));
    int col = 2 + random.nextInt(size - 4 - (shape == 1 ? 0 : length - 4));
    float brightness = 0.7f + 0.3f * random.nextFloat();
    for (int k = 0; k < length; k++) {
      int r = switch (shape) {
        case 0 -> row;
        default -> row + k;
      };
      int c = switch (shape) {
        case 1 -> col;
        case 3 -> col + length - 1 - k;
        default -> col + k;
      };
      if (r < size && c < size) {
        pixels[r * size + c] += brightness;
      }
    }
    return pixels;
  }
}
