package org.edgefleet.packager;

import java.util.List;
import java.util.Map;
import org.edgefleet.protocol.bundle.BundleLimits;
import org.edgefleet.protocol.bundle.Manifest;
import org.edgefleet.protocol.bundle.TestVector;
import org.edgefleet.protocol.json.Json;
import org.edgefleet.protocol.tensor.Tensor;

/** What a device would refuse in a bundle, checked before the packager signs it. */
final class DeviceLimits {

  private DeviceLimits() {}

  /** Devices refuse a test vector whose expected values are not finite (NaN never matches). */
  static void requireFinite(List<TestVector> vectors) throws PackagingException {
    for (int v = 0; v < vectors.size(); v++) {
      for (Map.Entry<String, Tensor> out : vectors.get(v).expected().entrySet()) {
        Tensor t = out.getValue();
        for (int i = 0; i < t.size(); i++) {
          if (!Double.isFinite(t.get(i))) {
            throw new PackagingException("output '" + out.getKey() + "' of test vector " + v + " is " + t.get(i)
                + " at value " + i + ": the model gives no finite output for these inputs; give real inputs with"
                + " --test-inputs");
          }
        }
      }
    }
  }

  /** The manifest must be within what devices read: test vectors of large inputs can exceed it. */
  static void requireFits(Manifest manifest) throws PackagingException {
    int size = Json.write(manifest).length;
    int limit = BundleLimits.DEFAULT.maxManifestBytes();
    if (size > limit) {
      throw new PackagingException("the manifest would be " + size + " bytes, over the " + limit + " devices read:"
          + " its " + manifest.testVectors().size() + " test vectors are too large; pass a smaller --test-vectors"
          + " (or --sequence-length), or smaller --dim sizes");
    }
  }
}
