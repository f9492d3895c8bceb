package io.keywarden.core.scopes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable set of concrete scopes of one {@link ScopeVocabulary}, as a bitset.
 *
 * <p>Grants are compiled into this form once (implications and wildcards expanded), so checking a
 * requirement on the verify path is a handful of word operations.
 */
public final class ScopeSet {
  private final ScopeVocabulary vocabulary;
  private final long[] words;

  ScopeSet(ScopeVocabulary vocabulary, long[] words) {
    this.vocabulary = vocabulary;
    this.words = words;
  }

  /** Whether every scope of {@code other} is in this set. */
  public boolean containsAll(ScopeSet other) {
    long[] o = other.words;
    for (int i = 0; i < o.length; i++) {
      if ((o[i] & ~words[i]) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Whether the concrete scope {@code name} is in this set; unknown names are not. */
  public boolean contains(String name) {
    int i = vocabulary.indexOf(name);
    return i >= 0 && (words[i >>> 6] & (1L << i)) != 0;
  }

  /** The scopes in both sets. */
  public ScopeSet intersect(ScopeSet other) {
    long[] r = new long[words.length];
    boolean same = true;
    for (int i = 0; i < r.length; i++) {
      r[i] = words[i] & other.words[i];
      same &= r[i] == words[i];
    }
    return same ? this : new ScopeSet(vocabulary, r);
  }

  /** Whether the set is empty. */
  public boolean isEmpty() {
    for (long w : words) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }

  /** The number of scopes in the set. */
  public int size() {
    int n = 0;
    for (long w : words) {
      n += Long.bitCount(w);
    }
    return n;
  }

  /** The scope names in vocabulary order. */
  public List<String> names() {
    List<String> out = new ArrayList<>(size());
    for (int i = 0; i < vocabulary.size(); i++) {
      if ((words[i >>> 6] & (1L << i)) != 0) {
        out.add(vocabulary.nameAt(i));
      }
    }
    return out;
  }

  long[] words() {
    return words;
  }

  /** The vocabulary this set belongs to. */
  public ScopeVocabulary vocabulary() {
    return vocabulary;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScopeSet s && s.vocabulary == vocabulary && Arrays.equals(s.words, words);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return names().toString();
  }
}
