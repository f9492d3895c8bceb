package io.keywarden.core.routes;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameter values a path pattern extracted from a request path, percent-decoded, in the
 * order the pattern declares them. A catch-all's value is the rest of the path (decoded segments
 * joined by {@code /}, possibly empty).
 *
 * <p>Values are cut from the path and decoded on first access, all at once, so a request whose
 * handler never reads a parameter pays nothing for it. Safe to share between threads.
 */
public final class PathParams {
  /** No parameters. */
  public static final PathParams EMPTY = new PathParams(new String[0], new String[0]);

  private final String[] names;
  private final int[] positions; // segment index of each name; the catch-all's is fixed
  private final int fixed;
  private final RequestPath path;
  private volatile String[] values;

  /** Eager values; {@code names} may be shared between instances. */
  PathParams(String[] names, String[] values) {
    this.names = names;
    this.positions = null;
    this.fixed = 0;
    this.path = null;
    this.values = values;
  }

  /** Values cut from {@code path} when first read; the arrays are shared, never written. */
  PathParams(String[] names, int[] positions, int fixed, RequestPath path) {
    this.names = names;
    this.positions = positions;
    this.fixed = fixed;
    this.path = path;
  }

  private String[] values() {
    String[] v = values;
    if (v == null) {
      v = new String[names.length];
      for (int i = 0; i < v.length; i++) {
        int pos = positions[i];
        v[i] = pos < fixed ? path.segment(pos) : path.remainder(fixed);
      }
      values = v;
    }
    return v;
  }

  /** The value of parameter {@code name}, or {@code null} if the pattern has no such parameter. */
  public String get(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return values()[i];
      }
    }
    return null;
  }

  /** The number of parameters. */
  public int size() {
    return names.length;
  }

  /** Whether there are no parameters. */
  public boolean isEmpty() {
    return names.length == 0;
  }

  /** The parameter names, in pattern order. */
  public List<String> names() {
    return List.of(names);
  }

  /** Name to value, in pattern order. */
  public Map<String, String> asMap() {
    String[] v = values();
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], v[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathParams p
        && Arrays.equals(names, p.names)
        && Arrays.equals(values(), p.values());
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(names) + Arrays.hashCode(values());
  }

  @Override
  public String toString() {
    return asMap().toString();
  }
}
