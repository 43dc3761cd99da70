package org.edgefleet.packager.feeds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.edgefleet.packager.PackagingException;
import org.edgefleet.protocol.bundle.TensorSpec;
import org.edgefleet.protocol.tensor.Tensor;

/**
 * Fits arrays from data files to a model's inputs and cuts them into calls, each a map with a
 * tensor for every input that matches its spec.
 *
 * <ul>
 *   <li>Arrays are matched to inputs by name; arrays without a name ({@code arr_0}, a lone .npy)
 *       go to the inputs in the model's order.
 *   <li>An array one rank above its input stacks samples on its leading axis: each is one call.
 *       An array of the input's rank whose first dimension is dynamic (or fixed at 1 while the
 *       array has more) holds a sample per row: each row is a call of batch 1. Otherwise the
 *       array is one call.
 *   <li>Inputs with one call's worth are reused in every call; the others must agree on the count.
 *   <li>Dtypes convert only when nothing is lost ({@link Casts}), or when {@code lossyCast} is set.
 *   <li>Dynamic dimensions must match {@code --dim} sizes and agree across inputs sharing a name.
 *   <li>Inputs given a constant ({@code --constant sr=16000}) hold it; state inputs without data start at zeros.
 * </ul>
 */
public final class FeedConformer {

  private final List<TensorSpec> inputs;
  private final DimValues dims;
  private final Map<String, Double> constants;
  private final boolean lossyCast;

  public FeedConformer(List<TensorSpec> inputs, DimValues dims, Map<String, Double> constants, boolean lossyCast) {
    this.inputs = List.copyOf(inputs);
    this.dims = dims;
    this.constants = Map.copyOf(constants);
    this.lossyCast = lossyCast;
  }

  /**
   * @param arrays      what the data files hold
   * @param source      the files, for messages
   * @param stateInputs inputs that may be absent (they start at zeros)
   */
  public List<Map<String, Tensor>> calls(List<DataArray> arrays, String source, Set<String> stateInputs)
      throws PackagingException {
    return calls(arrays, source, stateInputs, true);
  }

  /** Expected outputs: the user may give some outputs only, and only those are compared. */
  public List<Map<String, Tensor>> partialCalls(List<DataArray> arrays, String source) throws PackagingException {
    return calls(arrays, source, inputs.stream().map(TensorSpec::name).collect(Collectors.toSet()), false);
  }

  private List<Map<String, Tensor>> calls(List<DataArray> arrays, String source, Set<String> optional, boolean zeros)
      throws PackagingException {
    Map<String, DataArray> matched = match(arrays, source, optional);
    Map<String, List<Tensor>> samples = new LinkedHashMap<>();
    int count = 1;
    String counted = null;
    for (TensorSpec spec : inputs) {
      DataArray array = matched.get(spec.name());
      if (array == null) {
        continue;
      }
      List<Tensor> parts = samples(spec, array);
      samples.put(spec.name(), parts);
      if (parts.size() > 1) {
        if (counted != null && parts.size() != count) {
          throw new PackagingException("inputs disagree on the number of samples: '" + counted + "' has " + count
              + " and '" + spec.name() + "' has " + parts.size() + " (" + array.origin() + "): give each input the same"
              + " number, or one sample to reuse in every call");
        }
        count = parts.size();
        counted = spec.name();
      }
    }
    List<Map<String, Tensor>> calls = new ArrayList<>(count);
    for (int k = 0; k < count; k++) {
      Map<String, Tensor> call = new LinkedHashMap<>();
      Map<String, Long> bound = new HashMap<>();
      for (TensorSpec spec : inputs) {
        List<Tensor> parts = samples.get(spec.name());
        if (parts != null) {
          Tensor t = parts.size() == 1 ? parts.get(0) : parts.get(k);
          call.put(spec.name(), t);
          for (int d = 0; d < t.rank(); d++) {
            if (spec.dimName(d) != null) {
              bound.putIfAbsent(spec.dimName(d), t.dim(d));
            }
          }
        }
      }
      for (TensorSpec spec : inputs) {
        if (!call.containsKey(spec.name()) && zeros) {
          call.put(spec.name(), GeneratedFeeds.filled(spec, constants.getOrDefault(spec.name(), 0.0), lossyCast, dims, bound));
        }
      }
      dims.check(inputs.stream().filter(s -> call.containsKey(s.name())).toList(), call, count > 1 ? "sample " + k + ": " : "");
      calls.add(call);
    }
    return List.copyOf(calls);
  }

  private Map<String, DataArray> match(List<DataArray> arrays, String source, Set<String> stateInputs)
      throws PackagingException {
    if (arrays.isEmpty()) {
      throw new PackagingException(source + " holds no arrays");
    }
    Map<String, DataArray> matched = new HashMap<>();
    List<String> names = inputs.stream().map(TensorSpec::name).toList();
    int position = 0;
    for (DataArray a : arrays) {
      String input;
      if (a.name() != null && names.contains(a.name())) {
        input = a.name();
      } else if (a.positional()) {
        if (position >= names.size()) {
          throw new PackagingException(source + " holds more unnamed arrays than the model has inputs " + names
              + ": name each array after its input");
        }
        input = names.get(position++);
      } else {
        throw new PackagingException(a.origin() + ": '" + a.name() + "' is not an input of the model; its inputs are "
            + names + " (name the arrays after them, or arr_0, arr_1, ... in that order)");
      }
      if (matched.put(input, a) != null) {
        throw new PackagingException(source + " gives input '" + input + "' twice");
      }
    }
    for (String name : names) {
      if (matched.containsKey(name) && constants.containsKey(name)) {
        throw new PackagingException("input '" + name + "' has data in " + source + " and a --constant: give one");
      }
      if (!matched.containsKey(name) && !stateInputs.contains(name) && !constants.containsKey(name)) {
        throw new PackagingException("input '" + name + "' has no data in " + source + ": add an array named '" + name
            + "' (in the .npz, or " + name + "=FILE), or pass --constant " + name + "=VALUE");
      }
    }
    return matched;
  }

  /** The array cut into per-call tensors of the input's rank, converted to its dtype. */
  private List<Tensor> samples(TensorSpec spec, DataArray array) throws PackagingException {
    String what = "input '" + spec.name() + "' from " + array.origin();
    Tensor t = Casts.to(spec.dtype(), array.tensor(), lossyCast, what);
    int rank = spec.shape().size();
    List<Tensor> parts = new ArrayList<>();
    if (t.rank() == rank + 1 && t.dim(0) >= 1) {
      for (int k = 0; k < t.dim(0); k++) {
        parts.add(Batches.slice(t, k, false));
      }
    } else if (t.rank() == rank && rank > 0 && t.dim(0) >= 1
        && (spec.shape().get(0) == -1 || spec.shape().get(0) == 1 && t.dim(0) != 1)) {
      for (int k = 0; k < t.dim(0); k++) {
        parts.add(Batches.slice(t, k, true));
      }
    } else if (t.rank() == rank) {
      parts.add(t);
    } else {
      throw new PackagingException(what + " has shape " + Shapes.of(t.shape()) + " (rank " + t.rank()
          + ") but the model takes " + Shapes.of(spec) + " (rank " + rank + "): give one call's array of rank " + rank
          + ", or samples stacked on a leading axis (rank " + (rank + 1) + ")");
    }
    if (parts.isEmpty()) {
      throw new PackagingException(what + " has shape " + Shapes.of(t.shape()) + ": no samples");
    }
    long[] one = parts.get(0).shape();
    for (int d = 0; d < rank; d++) {
      long want = spec.shape().get(d);
      if (want != -1 && want != one[d]) {
        throw new PackagingException(what + ": a sample has shape " + Shapes.of(one) + " but the model takes "
            + Shapes.of(spec) + ", dimension " + d + " must be " + want);
      }
    }
    return parts;
  }
}
