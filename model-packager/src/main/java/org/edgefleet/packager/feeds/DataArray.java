package org.edgefleet.packager.feeds;

import java.util.Objects;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * One array read from a data file, before it is fitted to a model input.
 *
 * @param name   the name it had in the file (an .npz member, a CSV's input), or null when the
 *               file gave it none (a lone .npy) or a positional one ({@code arr_0})
 * @param tensor the values, in the dtype the file holds
 * @param origin where it came from, for messages: {@code data.npz:x}, {@code x.raw}
 */
public record DataArray(String name, Tensor tensor, String origin) {
  public DataArray {
    Objects.requireNonNull(tensor, "tensor must not be null");
    Objects.requireNonNull(origin, "origin must not be null");
  }

  /** NumPy's names for arrays saved without a name: {@code arr_0}, {@code arr_1}, ... */
  public boolean positional() {
    return name == null || name.matches("arr_[0-9]+");
  }
}
