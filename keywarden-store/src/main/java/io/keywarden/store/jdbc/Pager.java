package io.keywarden.store.jdbc;

import io.keywarden.store.Page;
import io.keywarden.store.PageRequest;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Cursor pagination over a filtered list, newest first by an id column.
 *
 * <p>Ids are time-ordered ASCII strings compared as binary strings (PostgreSQL columns use {@code
 * COLLATE "C"}), so the database orders them as {@link String#compareTo} does. A next page is
 * {@code id < cursor ORDER BY id DESC}, a previous page {@code id > cursor ORDER BY id ASC}
 * reversed; both fetch one row more than the limit to learn whether that side goes on, and ask
 * the other side of the page with one {@code LIMIT 1} query.
 */
final class Pager {
  /** A list query under construction: the select, its id column and its conditions. */
  static final class Query<T> {
    private final String select;
    private final String idColumn;
    private final Tx.RowMapper<T> mapper;
    private final Function<T, String> idOf;
    private final List<String> conditions = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();

    /**
     * @param select {@code SELECT columns FROM table}
     * @param idColumn the column the list is ordered by
     * @param idOf the value of {@code idColumn} of a mapped row
     */
    Query(String select, String idColumn, Tx.RowMapper<T> mapper, Function<T, String> idOf) {
      this.select = select;
      this.idColumn = idColumn;
      this.mapper = mapper;
      this.idOf = idOf;
    }

    /** Adds a condition with its arguments. */
    Query<T> where(String condition, Object... values) {
      conditions.add("(" + condition + ")");
      args.addAll(List.of(values));
      return this;
    }

    /** Adds {@code column = value} unless {@code value} is null. */
    Query<T> whereEquals(String column, Object value) {
      return value == null ? this : where(column + " = ?", value);
    }

    private List<T> fetch(Tx tx, String bound, String cursorId, String order, int limit)
        throws SQLException {
      String sql = select + where(bound) + " ORDER BY " + idColumn + " " + order + " LIMIT ?";
      return tx.list(sql, mapper, arguments(cursorId, limit));
    }

    private boolean exists(Tx tx, String bound, String cursorId) throws SQLException {
      return tx.exists(select + where(bound) + " LIMIT 1", arguments(cursorId, null));
    }

    private String where(String bound) {
      List<String> all = new ArrayList<>(conditions);
      if (bound != null) {
        all.add(idColumn + " " + bound + " ?");
      }
      return all.isEmpty() ? "" : " WHERE " + String.join(" AND ", all);
    }

    private Object[] arguments(String cursorId, Integer limit) {
      List<Object> all = new ArrayList<>(args);
      if (cursorId != null) {
        all.add(cursorId);
      }
      if (limit != null) {
        all.add(limit);
      }
      return all.toArray();
    }
  }

  private Pager() {}

  /** The page of {@code query} that {@code request} asks for. */
  static <T> Page<T> page(Tx tx, Query<T> query, PageRequest request) throws SQLException {
    int n = request.limit();
    if (request.before() != null) {
      Cursors.Cursor c = Cursors.decode(request.before(), "before");
      List<T> rows = query.fetch(tx, c.inclusive() ? ">=" : ">", c.id(), "ASC", n + 1);
      boolean moreBefore = rows.size() > n;
      List<T> items = new ArrayList<>(rows.subList(0, Math.min(n, rows.size())));
      Collections.reverse(items);
      if (items.isEmpty()) {
        boolean more = query.exists(tx, c.inclusive() ? "<" : "<=", c.id());
        return new Page<>(items, more, more ? Cursors.encode(c.id(), !c.inclusive()) : null, false, null);
      }
      boolean more = query.exists(tx, "<", last(query, items));
      return page(query, items, more, moreBefore);
    }
    if (request.after() != null) {
      Cursors.Cursor c = Cursors.decode(request.after(), "cursor");
      List<T> rows = query.fetch(tx, c.inclusive() ? "<=" : "<", c.id(), "DESC", n + 1);
      boolean more = rows.size() > n;
      List<T> items = rows.subList(0, Math.min(n, rows.size()));
      if (items.isEmpty()) {
        boolean moreBefore = query.exists(tx, c.inclusive() ? ">" : ">=", c.id());
        return new Page<>(items, false, null, moreBefore,
            moreBefore ? Cursors.encode(c.id(), !c.inclusive()) : null);
      }
      boolean moreBefore = query.exists(tx, ">", query.idOf.apply(items.getFirst()));
      return page(query, items, more, moreBefore);
    }
    List<T> rows = query.fetch(tx, null, null, "DESC", n + 1);
    return page(query, rows.subList(0, Math.min(n, rows.size())), rows.size() > n, false);
  }

  private static <T> Page<T> page(Query<T> query, List<T> items, boolean more, boolean moreBefore) {
    String next = more ? Cursors.encode(last(query, items), false) : null;
    String prev = moreBefore ? Cursors.encode(query.idOf.apply(items.getFirst()), false) : null;
    return new Page<>(items, more, next, moreBefore, prev);
  }

  private static <T> String last(Query<T> query, List<T> items) {
    return query.idOf.apply(items.getLast());
  }
}
