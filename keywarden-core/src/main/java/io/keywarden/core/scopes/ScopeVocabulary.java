package io.keywarden.core.scopes;

import io.keywarden.core.errors.KeywardenException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The scopes a deployment defines, how they imply each other, and the compiler from grant
 * patterns to {@link ScopeSet}s.
 *
 * <p>A grant pattern is a scope name ({@code env:read}), a namespace wildcard ({@code env:*},
 * every scope whose name starts with {@code env:}, at any depth) or {@code *} (every scope).
 * Granting a scope grants everything it implies, transitively; cycles are allowed and make their
 * members equivalent. Because the vocabulary is finite, every grant compiles to a bitset once, and
 * a check on the verify path is a subset test.
 */
public final class ScopeVocabulary {
  /** Scope names: lower-case segments separated by ':', e.g. {@code read}, {@code env:read}. */
  public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]*(:[a-z][a-z0-9_.-]*)*");

  private static final int MAX_SCOPES = 4096;

  private final List<ScopeDefinition> definitions;
  private final Map<String, Integer> index;
  private final String[] names;
  private final long[][] closure;
  private final ScopeSet all;
  private final ScopeSet empty;

  private ScopeVocabulary(List<ScopeDefinition> definitions) {
    if (definitions.size() > MAX_SCOPES) {
      throw new IllegalArgumentException("at most " + MAX_SCOPES + " scopes may be defined");
    }
    this.definitions = List.copyOf(definitions);
    this.index = new HashMap<>();
    this.names = new String[definitions.size()];
    for (int i = 0; i < definitions.size(); i++) {
      String name = definitions.get(i).name();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "scope name \"" + name + "\" must be lower-case segments separated by ':'");
      }
      if (index.putIfAbsent(name, i) != null) {
        throw new IllegalArgumentException("scope \"" + name + "\" is defined twice");
      }
      names[i] = name;
    }
    int words = Math.max(1, (names.length + 63) >>> 6);
    long[] allWords = new long[words];
    for (int i = 0; i < names.length; i++) {
      allWords[i >>> 6] |= 1L << i;
    }
    this.all = new ScopeSet(this, allWords);
    this.empty = new ScopeSet(this, new long[words]);
    // Direct edges: each scope to the scopes its implied patterns denote.
    List<List<Integer>> edges = new ArrayList<>();
    for (ScopeDefinition d : definitions) {
      List<Integer> targets = new ArrayList<>();
      for (String pattern : d.implies()) {
        long[] expanded = expandPattern(pattern, "scope \"" + d.name() + "\" implies");
        for (int j = 0; j < names.length; j++) {
          if ((expanded[j >>> 6] & (1L << j)) != 0) {
            targets.add(j);
          }
        }
      }
      edges.add(targets);
    }
    this.closure = new long[names.length][];
    for (int i = 0; i < names.length; i++) {
      long[] c = new long[words];
      Deque<Integer> todo = new ArrayDeque<>();
      todo.push(i);
      while (!todo.isEmpty()) {
        int s = todo.pop();
        if ((c[s >>> 6] & (1L << s)) != 0) {
          continue;
        }
        c[s >>> 6] |= 1L << s;
        for (int t : edges.get(s)) {
          todo.push(t);
        }
      }
      closure[i] = c;
    }
  }

  /** A vocabulary of the given scopes, in order. */
  public static ScopeVocabulary of(List<ScopeDefinition> definitions) {
    return new ScopeVocabulary(definitions);
  }

  /** A vocabulary of the given scopes, in order. */
  public static ScopeVocabulary of(ScopeDefinition... definitions) {
    return new ScopeVocabulary(List.of(definitions));
  }

  /** The definitions, in order. */
  public List<ScopeDefinition> definitions() {
    return definitions;
  }

  /** The number of scopes. */
  public int size() {
    return names.length;
  }

  /** Whether {@code name} is a defined scope. */
  public boolean isDefined(String name) {
    return index.containsKey(name);
  }

  int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  String nameAt(int i) {
    return names[i];
  }

  /** Every scope. */
  public ScopeSet all() {
    return all;
  }

  /** No scope. */
  public ScopeSet none() {
    return empty;
  }

  /**
   * Whether {@code pattern} is a valid grant: a defined scope, {@code *}, or {@code ns:*} for a
   * namespace with at least one defined scope.
   */
  public boolean isValidGrant(String pattern) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.endsWith(":*")) {
      String ns = pattern.substring(0, pattern.length() - 1);
      for (String n : names) {
        if (n.startsWith(ns)) {
          return true;
        }
      }
      return false;
    }
    return index.containsKey(pattern);
  }

  /**
   * Compiles grant patterns into the set of scopes they grant, implications included.
   *
   * @param field the input field named in the error when a pattern is unknown
   * @throws KeywardenException {@code invalid_request} naming {@code field} and the unknown scope
   */
  public ScopeSet grant(Collection<String> patterns, String field) {
    long[] w = new long[all.words().length];
    for (String p : patterns) {
      long[] e = expandPattern(p, field);
      for (int i = 0; i < w.length; i++) {
        w[i] |= e[i];
      }
    }
    return new ScopeSet(this, w);
  }

  /** Compiles grant patterns; an unknown pattern is reported against the field {@code scopes}. */
  public ScopeSet grant(Collection<String> patterns) {
    return grant(patterns, "scopes");
  }

  /** A requirement that all of {@code scopes} (concrete names) be granted. */
  public ScopeRequirement requireAll(Collection<String> scopes) {
    return requireAny(List.of(List.copyOf(scopes)));
  }

  /** A requirement satisfied by any one of the alternatives, each a set of concrete scopes. */
  public ScopeRequirement requireAny(List<List<String>> alternatives) {
    if (alternatives.isEmpty()) {
      return ScopeRequirement.NONE;
    }
    List<ScopeSet> sets = new ArrayList<>();
    for (List<String> alt : alternatives) {
      long[] w = new long[all.words().length];
      for (String s : alt) {
        int i = indexOf(s);
        if (i < 0) {
          throw KeywardenException.invalid("scopes", "Unknown scope \"" + s + "\" in requirement.");
        }
        w[i >>> 6] |= 1L << i;
      }
      sets.add(new ScopeSet(this, w));
    }
    return new ScopeRequirement(sets, alternatives);
  }

  private long[] expandPattern(String pattern, String field) {
    long[] w = new long[Math.max(1, (names.length + 63) >>> 6)];
    if (pattern.equals("*")) {
      return all.words().clone();
    }
    if (pattern.endsWith(":*")) {
      String ns = pattern.substring(0, pattern.length() - 1);
      boolean any = false;
      for (int i = 0; i < names.length; i++) {
        if (names[i].startsWith(ns)) {
          any = true;
          orClosure(w, i);
        }
      }
      if (!any) {
        throw unknown(pattern, field);
      }
      return w;
    }
    Integer i = index.get(pattern);
    if (i == null) {
      throw unknown(pattern, field);
    }
    orClosure(w, i);
    return w;
  }

  private void orClosure(long[] w, int i) {
    if (closure == null) {
      // Still building: edges need only the scope itself.
      w[i >>> 6] |= 1L << i;
      return;
    }
    long[] c = closure[i];
    for (int k = 0; k < w.length; k++) {
      w[k] |= c[k];
    }
  }

  private static KeywardenException unknown(String pattern, String field) {
    return KeywardenException.invalid(field, "Unknown scope \"" + pattern + "\" in " + field + ".");
  }

  /** The defaults: {@code read}, {@code write} and {@code admin}, where admin implies every scope. */
  public static ScopeVocabulary defaults() {
    return of(
        new ScopeDefinition("read", List.of(), "Read resources."),
        new ScopeDefinition("write", List.of(), "Create, change and delete resources."),
        new ScopeDefinition("admin", List.of("*"), "Everything."));
  }

  /** Keywarden's own operator scopes for its management API; {@code admin} implies all. */
  public static ScopeVocabulary operatorScopes() {
    return of(
        new ScopeDefinition("tenants:read", List.of(), "Read workspaces, projects, users, members."),
        new ScopeDefinition("tenants:write", List.of("tenants:read"), "Change tenants."),
        new ScopeDefinition("keys:read", List.of(), "Read API keys."),
        new ScopeDefinition("keys:write", List.of("keys:read"), "Create, change, revoke keys."),
        new ScopeDefinition("audit:read", List.of(), "Read the audit trail."),
        new ScopeDefinition("verify", List.of(), "Call the verification API."),
        new ScopeDefinition("operators:read", List.of(), "Read operator keys."),
        new ScopeDefinition("operators:write", List.of("operators:read"),
            "Create, change, rotate and revoke operator keys (within the caller's own scopes)."),
        new ScopeDefinition("admin", List.of("*"), "Everything."));
  }

  /** Names of the whole vocabulary. */
  public List<String> names() {
    return List.of(names);
  }

  /** Map of name to definition, in order. */
  public Map<String, ScopeDefinition> byName() {
    Map<String, ScopeDefinition> m = new LinkedHashMap<>();
    definitions.forEach(d -> m.put(d.name(), d));
    return m;
  }
}
