package org.edgefleet.protocol.tensor.numpy;

import java.util.List;
import java.util.Objects;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * One array read from (or to be written to) a .npy file or an .npz member.
 *
 * @param name the array's name: the .npz member without {@code .npy}, or the .npy file's stem
 * @param tensor the values, in C (row-major) order, in the {@link org.edgefleet.protocol.tensor.DType}
 *     the file's element type maps onto
 * @param sourceDtype the NumPy type descriptor exactly as the file has it, e.g. {@code <f8}
 * @param narrowed whether values were converted to a narrower type (float64 to float32) and may
 *     have lost precision
 */
public record NumpyArray(String name, Tensor tensor, String sourceDtype, boolean narrowed) {

  public NumpyArray {
    checkName(name);
    Objects.requireNonNull(tensor, "tensor must not be null");
    Objects.requireNonNull(sourceDtype, "sourceDtype must not be null");
  }

  /** An array to write: its descriptor is the one {@link Npy#write} gives the tensor's dtype. */
  public static NumpyArray of(String name, Tensor tensor) {
    Objects.requireNonNull(tensor, "tensor must not be null");
    return new NumpyArray(name, tensor, NpyType.forDType(tensor.dtype()).littleEndianDescr(), false);
  }

  /** Why a name cannot name an array (and an .npz member), or null when it can. */
  static String nameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "an array name must not be empty";
    }
    if (name.length() > 250) {
      return "an array name must be at most 250 characters";
    }
    // Graph names such as "dense/BiasAdd:0" hold '/', so only what could climb out of a
    // directory, were the members ever unpacked to files, is refused.
    if (name.startsWith("/") || name.indexOf('\\') >= 0 || List.of(name.split("/", -1)).stream()
        .anyMatch(part -> part.isEmpty() || part.equals(".") || part.equals(".."))) {
      return "array name '" + name + "' looks like a path (starts with '/', holds '\\', an empty, '.' or '..' part)";
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        return "array name '" + name.replaceAll("\\p{Cntrl}", "?") + "' has a control character";
      }
    }
    return null;
  }

  static void checkName(String name) {
    String problem = nameProblem(name);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }
}
