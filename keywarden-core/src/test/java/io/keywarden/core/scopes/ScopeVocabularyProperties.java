package io.keywarden.core.scopes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The compiled vocabulary ({@link ScopeVocabulary}) against the naive {@link ScopeModel} over
 * random vocabularies: implication edges (cycles included), {@code *} and {@code ns:*} patterns.
 */
class ScopeVocabularyProperties {

  /** A random vocabulary, three random grants and a random requirement, all over its names. */
  record Case(
      List<ScopeDefinition> definitions,
      List<String> grantA,
      List<String> grantB,
      List<List<String>> requirement,
      List<String> anyPatterns) {
    ScopeVocabulary vocabulary() {
      return ScopeVocabulary.of(definitions);
    }
  }

  /** Few names from a tiny alphabet: dense implication graphs with many cycles. */
  @Provide
  Arbitrary<Case> small() {
    return cases(Arbitraries.of("a", "b", "ab"), 12, 3);
  }

  /** Up to 150 names, so that sets span several 64-bit words. */
  @Provide
  Arbitrary<Case> large() {
    return cases(Arbitraries.of("a", "b", "c", "d", "e", "f", "g"), 150, 2);
  }

  private static Arbitrary<Case> cases(Arbitrary<String> segment, int maxNames, int maxImplies) {
    Arbitrary<String> name = segment.list().ofMinSize(1).ofMaxSize(3).map(s -> String.join(":", s));
    return name.set().ofMinSize(1).ofMaxSize(maxNames).flatMap(set -> {
      List<String> names = new ArrayList<>(set);
      List<String> valid = validPatterns(names);
      Arbitrary<String> pattern = Arbitraries.frequencyOf(
          Tuple.of(1, Arbitraries.just("*")),
          Tuple.of(25, Arbitraries.of(valid)));
      Arbitrary<List<List<String>>> implies =
          pattern.list().ofMaxSize(maxImplies).list().ofSize(names.size());
      Arbitrary<List<String>> grant = pattern.list().ofMaxSize(4);
      Arbitrary<List<List<String>>> requirement =
          Arbitraries.of(names).list().ofMaxSize(3).list().ofMaxSize(3);
      Arbitrary<String> anyPattern = Arbitraries.oneOf(
          Arbitraries.of(valid),
          segment.list().ofMinSize(1).ofMaxSize(3)
              .map(s -> String.join(":", s))
              .flatMap(n -> Arbitraries.of(n, n + ":*", n + "*", "x" + n)));
      return Combinators.combine(implies, grant, grant, requirement, anyPattern.list().ofMaxSize(6))
          .as((imp, a, b, req, any) -> {
            List<ScopeDefinition> defs = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
              defs.add(new ScopeDefinition(names.get(i), imp.get(i), ""));
            }
            return new Case(defs, a, b, req, any);
          });
    });
  }

  /** Every defined name, and {@code ns:*} for every namespace that has a scope. */
  private static List<String> validPatterns(List<String> names) {
    Set<String> patterns = new LinkedHashSet<>(names);
    for (String n : names) {
      String[] parts = n.split(":");
      StringBuilder ns = new StringBuilder();
      for (int i = 0; i < parts.length - 1; i++) {
        ns.append(parts[i]).append(':');
        patterns.add(ns + "*");
      }
    }
    return new ArrayList<>(patterns);
  }

  private static void checkGrantsMatchTheModel(Case c) {
    ScopeVocabulary vocabulary = c.vocabulary();
    ScopeModel model = ScopeModel.of(vocabulary);
    for (List<String> grant : List.of(c.grantA(), c.grantB())) {
      ScopeSet set = vocabulary.grant(grant);
      List<String> expected = new ArrayList<>();
      for (String s : model.names()) {
        assertThat(set.contains(s)).as("%s grants %s", grant, s).isEqualTo(model.grants(grant, s));
        if (model.grants(grant, s)) {
          expected.add(s);
        }
      }
      assertThat(set.names()).isEqualTo(expected);
      assertThat(set.size()).isEqualTo(expected.size());
      assertThat(set.isEmpty()).isEqualTo(expected.isEmpty());
    }
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void grantsMatchTheReferenceModel(@ForAll("small") Case c) {
    checkGrantsMatchTheModel(c);
  }

  @Property(tries = 150, edgeCases = EdgeCasesMode.NONE)
  void grantsMatchTheReferenceModelAcrossSeveralWords(@ForAll("large") Case c) {
    checkGrantsMatchTheModel(c);
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void requirementsAreSatisfiedExactlyWhenTheModelSaysSo(@ForAll("small") Case c) {
    ScopeVocabulary vocabulary = c.vocabulary();
    ScopeModel model = ScopeModel.of(vocabulary);
    ScopeSet granted = vocabulary.grant(c.grantA());

    assertThat(vocabulary.requireAny(c.requirement()).isSatisfiedBy(granted))
        .isEqualTo(model.satisfies(c.grantA(), c.requirement()));
    for (List<String> alternative : c.requirement()) {
      assertThat(vocabulary.requireAll(alternative).isSatisfiedBy(granted))
          .isEqualTo(model.satisfies(c.grantA(), List.of(alternative)));
    }
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void intersectionIsSetIntersection(@ForAll("large") Case c) {
    ScopeVocabulary vocabulary = c.vocabulary();
    ScopeSet a = vocabulary.grant(c.grantA());
    ScopeSet b = vocabulary.grant(c.grantB());
    Set<String> expected = new TreeSet<>(a.names());
    expected.retainAll(b.names());

    ScopeSet both = a.intersect(b);

    assertThat(new TreeSet<>(both.names())).isEqualTo(expected);
    assertThat(both).isEqualTo(b.intersect(a));
    assertThat(a.containsAll(both)).isTrue();
    assertThat(b.containsAll(both)).isTrue();
    assertThat(a.intersect(vocabulary.all())).isEqualTo(a);
    assertThat(a.intersect(vocabulary.none())).isEqualTo(vocabulary.none());
  }

  @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
  void containsAllIsSubsetOfNames(@ForAll("small") Case c) {
    ScopeVocabulary vocabulary = c.vocabulary();
    ScopeSet a = vocabulary.grant(c.grantA());
    ScopeSet b = vocabulary.grant(c.grantB());

    assertThat(a.containsAll(b)).isEqualTo(a.names().containsAll(b.names()));
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void onlyPatternsTheModelAcceptsCompile(@ForAll("small") Case c) {
    ScopeVocabulary vocabulary = c.vocabulary();
    ScopeModel model = ScopeModel.of(vocabulary);
    for (String pattern : c.anyPatterns()) {
      assertThat(vocabulary.isValidGrant(pattern)).as(pattern).isEqualTo(model.isValidPattern(pattern));
      if (model.isValidPattern(pattern)) {
        assertThat(vocabulary.grant(List.of(pattern)).names())
            .isEqualTo(model.names().stream().filter(s -> model.grants(List.of(pattern), s)).toList());
      } else {
        assertThatThrownBy(() -> vocabulary.grant(List.of(pattern), "scopes"))
            .isInstanceOfSatisfying(KeywardenException.class, e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(e.field()).isEqualTo("scopes");
              assertThat(e.getMessage()).contains(pattern);
            });
      }
    }
  }
}
