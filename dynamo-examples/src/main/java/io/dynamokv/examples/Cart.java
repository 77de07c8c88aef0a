package io.dynamokv.examples;

import java.util.List;
import java.util.TreeSet;

/**
 * The paper's shopping cart, as the examples store it: a set of items. Concurrent carts merge by
 * union ({@link #union}, a {@code ConflictResolver}), so no added item is ever lost.
 *
 * @param items the items, sorted
 */
public record Cart(TreeSet<String> items) {

  /** The empty cart. */
  public static final Cart EMPTY = new Cart(new TreeSet<>());

  /** Copies the items. */
  public Cart {
    items = new TreeSet<>(items);
  }

  /** Returns a cart of {@code items}. */
  public static Cart of(String... items) {
    return new Cart(new TreeSet<>(List.of(items)));
  }

  /** Returns this cart with {@code item} added. */
  public Cart add(String item) {
    TreeSet<String> more = new TreeSet<>(items);
    more.add(item);
    return new Cart(more);
  }

  /** Merges concurrent carts: every item any of them holds. */
  public static Cart union(List<Cart> carts) {
    TreeSet<String> all = new TreeSet<>();
    carts.forEach(c -> all.addAll(c.items()));
    return new Cart(all);
  }
}
