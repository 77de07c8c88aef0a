package io.dynamokv.internal.node;

import io.dynamokv.DynamoNode;
import java.util.Objects;
import java.util.function.Function;

/**
 * The way in from the internals to a {@link DynamoNode}'s running parts (its ring, membership
 * and actor), for the test kit, tools and tests, without putting internal types on the node's
 * public API. {@code DynamoNode} installs the accessor when its class initializes, which
 * happens before any node can be passed here.
 */
public final class NodeAccess {

  private static volatile Function<DynamoNode, NodeRuntime> runtimeOf;

  private NodeAccess() {}

  /** Called once, by {@code DynamoNode}'s static initializer. */
  public static void install(Function<DynamoNode, NodeRuntime> accessor) {
    if (runtimeOf != null) {
      throw new IllegalStateException("the node accessor was already installed");
    }
    runtimeOf = Objects.requireNonNull(accessor, "accessor");
  }

  /**
   * Returns the running parts of {@code node}.
   *
   * @throws io.dynamokv.NodeNotRunningException if the node is not running
   */
  public static NodeRuntime runtime(DynamoNode node) {
    return runtimeOf.apply(Objects.requireNonNull(node, "node"));
  }
}
