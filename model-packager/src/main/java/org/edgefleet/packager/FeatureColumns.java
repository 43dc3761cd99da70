package org.edgefleet.packager;

import java.util.ArrayList;
import java.util.List;
import org.edgefleet.packager.csv.CsvTable;

/**
 * Lines the columns of a CSV up with a model input's features. When the model names its
 * features, columns are picked by name (so a labelled CSV with extra columns works); when it
 * does not, the CSV must have exactly one column per feature and its header names them.
 */
public final class FeatureColumns {

  private FeatureColumns() {}

  /** The model's feature names, or the header of the first table when the model has none. */
  public static List<String> names(List<String> modelNames, int width, String input, CsvTable table, String source)
      throws PackagingException {
    if (!modelNames.isEmpty()) {
      if (modelNames.size() != width) {
        throw new PackagingException("the model's metadata names " + modelNames.size() + " features " + modelNames
            + " but input '" + input + "' takes " + width + " values per row");
      }
      return modelNames;
    }
    if (table.columnCount() != width) {
      throw new PackagingException(source + " has " + table.columnCount() + " columns " + table.columns()
          + " but the model input '" + input + "' takes " + width + " values per row");
    }
    return table.columns();
  }

  /** The table's rows with exactly the named columns, in that order. */
  public static float[][] rows(CsvTable table, List<String> names, String source) throws PackagingException {
    if (table.columns().equals(names)) {
      return table.rows();
    }
    List<String> missing = new ArrayList<>();
    int[] index = new int[names.size()];
    for (int i = 0; i < names.size(); i++) {
      index[i] = table.columns().indexOf(names.get(i));
      if (index[i] < 0) {
        missing.add(names.get(i));
      }
    }
    if (!missing.isEmpty()) {
      throw new PackagingException(source + " has the columns " + table.columns() + " but the model's features are "
          + names + "; missing " + missing);
    }
    float[][] all = table.rows();
    float[][] picked = new float[all.length][names.size()];
    for (int r = 0; r < all.length; r++) {
      for (int i = 0; i < index.length; i++) {
        picked[r][i] = all[r][index[i]];
      }
    }
    return picked;
  }
}
