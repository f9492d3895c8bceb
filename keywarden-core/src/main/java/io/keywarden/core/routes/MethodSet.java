package io.keywarden.core.routes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The HTTP methods a route accepts: a set of method names, or {@link #ANY} (configured as an empty
 * list).
 *
 * <p>Names are case-sensitive on the wire (RFC 9110); configured names are upper-cased. The nine
 * standard methods are kept as a bitmask, so a check is a switch and a bit test; extension
 * methods are kept by name. {@code HEAD} is matched like {@code GET} by the {@link RouteTable}
 * (see there); this class reports only what was declared.
 */
public final class MethodSet {
  /** The standard methods, in the order used for {@code Allow} headers. */
  static final List<String> STANDARD =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");

  static final int GET = 0;
  static final int HEAD = 1;

  /** Every method. */
  public static final MethodSet ANY = new MethodSet(0, Set.of(), true);

  private final int mask;
  private final Set<String> extensions;
  private final boolean any;

  private MethodSet(int mask, Set<String> extensions, boolean any) {
    this.mask = mask;
    this.extensions = extensions;
    this.any = any;
  }

  /**
   * The given methods; an empty collection means {@link #ANY}.
   *
   * @param setting the setting named in errors, e.g. {@code routes[3].methods}
   * @throws RouteConfigException naming {@code setting} for a name that is not an HTTP token, or a
   *     method given twice
   */
  public static MethodSet of(Collection<String> methods, String setting) {
    if (methods.isEmpty()) {
      return ANY;
    }
    int mask = 0;
    Set<String> ext = new TreeSet<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String m : methods) {
      if (m == null || !isToken(m)) {
        throw new RouteConfigException(setting, "\"" + m + "\" is not an HTTP method name");
      }
      String upper = m.toUpperCase(java.util.Locale.ROOT);
      if (!seen.add(upper)) {
        throw new RouteConfigException(setting, upper + " is listed twice");
      }
      int i = indexOf(upper);
      if (i >= 0) {
        mask |= 1 << i;
      } else {
        ext.add(upper);
      }
    }
    return new MethodSet(mask, Collections.unmodifiableSet(ext), false);
  }

  /** The given methods; see {@link #of(Collection, String)}. */
  public static MethodSet of(String... methods) {
    return of(List.of(methods), "methods");
  }

  /** Whether every method is accepted. */
  public boolean isAny() {
    return any;
  }

  /** Whether {@code method} (exact, case-sensitive) was declared, or the set is {@link #ANY}. */
  public boolean contains(String method) {
    return accepts(indexOf(method), method);
  }

  /** The declared names: standard methods in {@link #STANDARD} order, then the others sorted. */
  public Set<String> names() {
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < STANDARD.size(); i++) {
      if ((mask & (1 << i)) != 0) {
        out.add(STANDARD.get(i));
      }
    }
    out.addAll(extensions);
    return Collections.unmodifiableSet(out);
  }

  /** Whether the set includes every method of {@code other}. */
  public boolean containsAll(MethodSet other) {
    if (any) {
      return true;
    }
    if (other.any) {
      return false;
    }
    return (other.mask & ~mask) == 0 && extensions.containsAll(other.extensions);
  }

  /** {@link #contains} with the standard index precomputed by {@link #indexOf}. */
  boolean accepts(int index, String method) {
    if (any) {
      return true;
    }
    if (index >= 0) {
      return (mask & (1 << index)) != 0;
    }
    return !extensions.isEmpty() && extensions.contains(method);
  }

  int mask() {
    return mask;
  }

  Set<String> extensions() {
    return extensions;
  }

  /** The index of a standard method in {@link #STANDARD}, or -1. Case-sensitive. */
  static int indexOf(String method) {
    return switch (method) {
      case "GET" -> 0;
      case "HEAD" -> 1;
      case "POST" -> 2;
      case "PUT" -> 3;
      case "PATCH" -> 4;
      case "DELETE" -> 5;
      case "OPTIONS" -> 6;
      case "TRACE" -> 7;
      case "CONNECT" -> 8;
      default -> -1;
    };
  }

  /** Method names for an {@code Allow} header: standard ones in order, then the others sorted. */
  static List<String> allowList(int mask, Collection<String> extensions) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < STANDARD.size(); i++) {
      if ((mask & (1 << i)) != 0) {
        out.add(STANDARD.get(i));
      }
    }
    out.addAll(new TreeSet<>(extensions));
    return List.copyOf(out);
  }

  /** RFC 9110 token: visible ASCII except delimiters. */
  private static boolean isToken(String s) {
    if (s.isEmpty() || s.length() > 32) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 127 || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MethodSet m && m.any == any && m.mask == mask
        && m.extensions.equals(extensions);
  }

  @Override
  public int hashCode() {
    return any ? -1 : mask * 31 + extensions.hashCode();
  }

  @Override
  public String toString() {
    return any ? "*" : String.join(",", names());
  }
}
