package io.keywarden.store;

import io.keywarden.core.errors.KeywardenException;

/**
 * One page of a list: at most {@code limit} items after the cursor {@code after} (the next page)
 * or before the cursor {@code before} (the previous page). With neither, the first page.
 *
 * <p>Lists are ordered newest first, by id (ids are time-ordered). Cursors are opaque strings
 * made by {@link Page}; a cursor that was not made by Keywarden is a 400 naming {@code cursor} or
 * {@code before}.
 */
public record PageRequest(int limit, String after, String before) {
  public static final int DEFAULT_LIMIT = 20;
  public static final int MAX_LIMIT = 100;

  public PageRequest {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw KeywardenException.invalid("limit", "limit must be between 1 and " + MAX_LIMIT + ".");
    }
    if (after != null && before != null) {
      throw KeywardenException.invalid("cursor", "Give cursor or before, not both.");
    }
  }

  /** The first page of the default size. */
  public static PageRequest first() {
    return new PageRequest(DEFAULT_LIMIT, null, null);
  }

  /** The first page of {@code limit} items. */
  public static PageRequest first(int limit) {
    return new PageRequest(limit, null, null);
  }
}
