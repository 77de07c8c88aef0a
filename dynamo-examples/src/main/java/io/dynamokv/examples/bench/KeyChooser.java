package io.dynamokv.examples.bench;

import java.util.SplittableRandom;

/**
 * Chooses record indexes: uniformly, or zipfian (Gray et al., "Quickly generating billion-record
 * synthetic databases", the method YCSB uses, with the same constant 0.99), so that a few keys
 * are hot. Zipfian ranks are scattered over the records by a multiplicative hash, so the hot
 * keys do not sit in one partition. Thread-safe if each thread passes its own random source.
 */
final class KeyChooser {

  private static final double THETA = 0.99;

  private final int records;
  private final boolean zipfian;
  private final double zetan;
  private final double alpha;
  private final double eta;

  KeyChooser(int records, boolean zipfian) {
    if (records < 1) {
      throw new IllegalArgumentException("records : " + records + " (expected: >= 1)");
    }
    this.records = records;
    this.zipfian = zipfian;
    double zeta2 = zeta(2);
    this.zetan = zipfian ? zeta(records) : 0;
    this.alpha = 1.0 / (1.0 - THETA);
    this.eta = (1 - Math.pow(2.0 / records, 1 - THETA)) / (1 - zeta2 / zetan);
  }

  private static double zeta(int n) {
    double sum = 0;
    for (int i = 1; i <= n; i++) {
      sum += 1 / Math.pow(i, THETA);
    }
    return sum;
  }

  /** Returns the next record index, in [0, records). */
  int next(SplittableRandom random) {
    if (!zipfian) {
      return random.nextInt(records);
    }
    double u = random.nextDouble();
    double uz = u * zetan;
    long rank;
    if (uz < 1) {
      rank = 0;
    } else if (uz < 1 + Math.pow(0.5, THETA)) {
      rank = 1;
    } else {
      rank = (long) (records * Math.pow(eta * u - eta + 1, alpha));
    }
    return (int) ((rank * 1_000_003L) % records); // a prime multiplier: a permutation unless it divides records
  }
}
