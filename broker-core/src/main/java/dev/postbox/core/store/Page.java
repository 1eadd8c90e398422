package dev.postbox.core.store;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items the items, at most the requested count
 * @param nextCursor opaque cursor for the next page, or null on the last page
 */
public record Page<T>(List<T> items, String nextCursor) {
  public Page {
    items = List.copyOf(items);
  }
}
