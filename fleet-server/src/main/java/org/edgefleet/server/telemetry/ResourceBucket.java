package org.edgefleet.server.telemetry;

/**
 * A device's CPU load, resident memory and temperature over one time bucket: for each, how many
 * batches reported it, and their minimum, sum and maximum, so buckets merge exactly into mean,
 * min and max of a longer window.
 */
final class ResourceBucket {

  /** One measure's count, minimum, sum and maximum; min and max are NaN while count is 0. */
  static final class Stat {
    long n;
    double min = Double.NaN;
    double sum;
    double max = Double.NaN;

    void add(long count, double min, double sum, double max) {
      if (count <= 0 || !Double.isFinite(sum)) {
        return;
      }
      this.min = n == 0 ? min : Math.min(this.min, min);
      this.max = n == 0 ? max : Math.max(this.max, max);
      this.n += count;
      this.sum += sum;
    }

    void add(Double value) {
      if (value != null) {
        add(1, value, value, value);
      }
    }

    Double minOrNull() {
      return n == 0 ? null : min;
    }

    Double sumOrNull() {
      return n == 0 ? null : sum;
    }

    Double maxOrNull() {
      return n == 0 ? null : max;
    }

    ResourceSummary.Range range() {
      return n == 0 ? null : new ResourceSummary.Range(min, sum / n, max, n);
    }
  }

  final Stat cpu = new Stat();
  final Stat rss = new Stat();
  final Stat temperature = new Stat();
}
