package io.dynamokv.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What clients did, in the order they did it: every operation is invoked, then completes as ok,
 * failed (definitely or possibly not applied) or timed out (may or may not have been applied).
 * Checkers read it after the run. Thread-safe.
 */
public final class History {

  /** How an operation ended. */
  public enum Outcome { INVOKED, OK, FAILED, TIMED_OUT }

  /** One client operation. */
  public static final class Op {
    private final int client;
    private final String kind;
    private final String key;
    private final String value;
    private volatile Outcome outcome = Outcome.INVOKED;

    Op(int client, String kind, String key, String value) {
      this.client = client;
      this.kind = Objects.requireNonNull(kind, "kind");
      this.key = Objects.requireNonNull(key, "key");
      this.value = Objects.requireNonNull(value, "value");
    }

    /** Returns the client that issued it. */
    public int client() {
      return client;
    }

    /** Returns what it was: "add" (to a set), "write" (a unique key), "read". */
    public String kind() {
      return kind;
    }

    /** Returns the key. */
    public String key() {
      return key;
    }

    /** Returns the value added or written. */
    public String value() {
      return value;
    }

    /** Returns how it ended (INVOKED while it runs). */
    public Outcome outcome() {
      return outcome;
    }

    /** Records that it succeeded (was acknowledged). */
    public void ok() {
      outcome = Outcome.OK;
    }

    /** Records that it failed. */
    public void failed() {
      outcome = Outcome.FAILED;
    }

    /** Records that its deadline passed without an answer. */
    public void timedOut() {
      outcome = Outcome.TIMED_OUT;
    }

    @Override
    public String toString() {
      return "client " + client + " " + kind + " " + key + "=" + value + " " + outcome;
    }
  }

  private final List<Op> ops = new ArrayList<>();

  /** Records the start of an operation and returns it, to record its end. */
  public synchronized Op invoke(int client, String kind, String key, String value) {
    Op op = new Op(client, kind, key, value);
    ops.add(op);
    return op;
  }

  /** Returns every operation so far, in invocation order. */
  public synchronized List<Op> ops() {
    return List.copyOf(ops);
  }

  /** Returns how many operations ended with {@code outcome}. */
  public synchronized long count(Outcome outcome) {
    return ops.stream().filter(o -> o.outcome() == outcome).count();
  }
}
