package io.dynamokv;

/**
 * How many replicas keep each key (N), and how many must answer a read (R) or acknowledge a write
 * (W). R + W &gt; N makes a read see the latest acknowledged write when no failure intervenes; the
 * paper's common choice is N=3, R=2, W=2.
 */
public record Replication(int n, int r, int w) {

  /** Validates the values: 1 &lt;= R, W &lt;= N. */
  public Replication {
    if (n < 1) {
      throw new IllegalArgumentException("n : " + n + " (expected: >= 1)");
    }
    if (r < 1 || r > n) {
      throw new IllegalArgumentException("r : " + r + " (expected: 1..n = " + n + ")");
    }
    if (w < 1 || w > n) {
      throw new IllegalArgumentException("w : " + w + " (expected: 1..n = " + n + ")");
    }
  }

  /** Returns N, R, W. */
  public static Replication of(int n, int r, int w) {
    return new Replication(n, r, w);
  }
}
