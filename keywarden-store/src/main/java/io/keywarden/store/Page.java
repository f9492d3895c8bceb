package io.keywarden.store;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list, newest first, with cursors both ways.
 *
 * @param items the items on this page
 * @param hasMore whether there are items after this page (older)
 * @param nextCursor cursor for the next page, or {@code null} when {@code hasMore} is false
 * @param hasMoreBefore whether there are items before this page (newer)
 * @param prevCursor cursor for the previous page, or {@code null} when {@code hasMoreBefore} is
 *     false
 */
public record Page<T>(
    List<T> items, boolean hasMore, String nextCursor, boolean hasMoreBefore, String prevCursor) {
  public Page {
    items = List.copyOf(items);
  }

  /** The same page with each item mapped. */
  public <R> Page<R> map(Function<? super T, ? extends R> f) {
    return new Page<>(items.stream().<R>map(f).toList(), hasMore, nextCursor, hasMoreBefore, prevCursor);
  }
}
