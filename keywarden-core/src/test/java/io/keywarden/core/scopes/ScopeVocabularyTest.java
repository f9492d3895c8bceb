package io.keywarden.core.scopes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scope vocabularies of the reference systems, and the vocabulary's own rules. */
class ScopeVocabularyTest {

  static ScopeVocabulary nomotic() {
    return ScopeVocabulary.of(
        ScopeDefinition.of("read"),
        ScopeDefinition.of("agentic"),
        ScopeDefinition.of("write", "agentic"),
        ScopeDefinition.of("admin", "*"));
  }

  static ScopeVocabulary nodion() {
    return ScopeVocabulary.of(
        ScopeDefinition.of("read"),
        ScopeDefinition.of("write"),
        ScopeDefinition.of("deploy"),
        ScopeDefinition.of("env:read"),
        ScopeDefinition.of("env:write"),
        ScopeDefinition.of("logs:read"));
  }

  @Test
  void theDefaultsAreReadWriteAndAdminWhichGrantsEverything() {
    ScopeVocabulary v = ScopeVocabulary.defaults();

    assertThat(v.names()).containsExactly("read", "write", "admin");
    assertThat(v.grant(List.of("admin"))).isEqualTo(v.all());
    assertThat(v.grant(List.of("read")).names()).containsExactly("read");
    assertThat(v.grant(List.of("write")).names()).containsExactly("write");
    assertThat(v.grant(List.of("*"))).isEqualTo(v.all());
  }

  @Test
  void nomoticWriteIncludesAgenticAndAdminIncludesEverything() {
    ScopeVocabulary v = nomotic();

    assertThat(v.grant(List.of("read")).names()).containsExactly("read");
    assertThat(v.grant(List.of("agentic")).names()).containsExactly("agentic");
    assertThat(v.grant(List.of("write")).names()).containsExactlyInAnyOrder("write", "agentic");
    assertThat(v.grant(List.of("admin")).names())
        .containsExactlyInAnyOrder("read", "agentic", "write", "admin");
    assertThat(v.requireAll(List.of("agentic")).isSatisfiedBy(v.grant(List.of("write")))).isTrue();
    assertThat(v.requireAll(List.of("write")).isSatisfiedBy(v.grant(List.of("agentic")))).isFalse();
  }

  @Test
  void nodionEnvWildcardGrantsEnvReadAndEnvWriteOnly() {
    ScopeVocabulary v = nodion();

    assertThat(v.grant(List.of("env:*")).names()).containsExactly("env:read", "env:write");
    assertThat(v.grant(List.of("logs:*")).names()).containsExactly("logs:read");
    assertThat(v.grant(List.of("read", "deploy")).names()).containsExactly("read", "deploy");
  }

  @Test
  void nodionScopesAreAdditive() {
    ScopeVocabulary v = nodion();
    ScopeSet granted = v.grant(List.of("read", "env:read"));

    assertThat(v.requireAll(List.of("read", "env:read")).isSatisfiedBy(granted)).isTrue();
    assertThat(v.requireAll(List.of("read", "env:write")).isSatisfiedBy(granted)).isFalse();
    assertThat(v.requireAny(List.of(List.of("env:write"), List.of("read")))
        .isSatisfiedBy(granted)).isTrue();
  }

  @Test
  void aWildcardNamespaceReachesEveryDepthButNotTheBareName() {
    ScopeVocabulary v = ScopeVocabulary.of(
        ScopeDefinition.of("env"),
        ScopeDefinition.of("env:read"),
        ScopeDefinition.of("env:prod:write"),
        ScopeDefinition.of("environment:read"));

    assertThat(v.grant(List.of("env:*")).names()).containsExactly("env:read", "env:prod:write");
    assertThat(v.grant(List.of("env:prod:*")).names()).containsExactly("env:prod:write");
  }

  @Test
  void aNamespaceWildcardCarriesTheImplicationsOfTheScopesItNames() {
    ScopeVocabulary v = ScopeVocabulary.of(
        ScopeDefinition.of("read"),
        ScopeDefinition.of("env:write", "read"));

    assertThat(v.grant(List.of("env:*")).names()).containsExactly("read", "env:write");
  }

  @Test
  void implicationIsTransitiveAndCyclesMakeScopesEquivalent() {
    ScopeVocabulary v = ScopeVocabulary.of(
        ScopeDefinition.of("a", "b"),
        ScopeDefinition.of("b", "c"),
        ScopeDefinition.of("c", "a"),
        ScopeDefinition.of("d", "a"),
        ScopeDefinition.of("e"));

    assertThat(v.grant(List.of("a"))).isEqualTo(v.grant(List.of("b"))).isEqualTo(v.grant(List.of("c")));
    assertThat(v.grant(List.of("a")).names()).containsExactly("a", "b", "c");
    assertThat(v.grant(List.of("d")).names()).containsExactly("a", "b", "c", "d");
  }

  @Test
  void aScopeMayImplyItself() {
    ScopeVocabulary v = ScopeVocabulary.of(ScopeDefinition.of("a", "a"), ScopeDefinition.of("b"));
    assertThat(v.grant(List.of("a")).names()).containsExactly("a");
  }

  @Test
  void anUnknownScopeIsAnInvalidRequestNamingTheField() {
    ScopeVocabulary v = nodion();

    assertThatThrownBy(() -> v.grant(List.of("read", "delete"), "roles"))
        .isInstanceOfSatisfying(KeywardenException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.field()).isEqualTo("roles");
          assertThat(e.getMessage()).contains("\"delete\"").contains("roles");
        });
    assertThatThrownBy(() -> v.grant(List.of("delete")))
        .isInstanceOfSatisfying(KeywardenException.class,
            e -> assertThat(e.field()).isEqualTo("scopes"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"billing:*", "env", "env:", "env:**", "read:*", "*:*", ":*", "READ", "", "e*"})
  void patternsThatNameNoScopeAreUnknown(String pattern) {
    ScopeVocabulary v = nodion();

    assertThat(v.isValidGrant(pattern)).isFalse();
    assertThatThrownBy(() -> v.grant(List.of(pattern)))
        .isInstanceOfSatisfying(KeywardenException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
  }

  @Test
  void aRequirementOnAnUnknownScopeIsRejected() {
    assertThatThrownBy(() -> nodion().requireAll(List.of("read", "nope")))
        .isInstanceOfSatisfying(KeywardenException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
          assertThat(e.getMessage()).contains("nope");
        });
  }

  @Test
  void aDefinitionThatImpliesAnUnknownScopeIsRejected() {
    assertThatThrownBy(() -> ScopeVocabulary.of(ScopeDefinition.of("write", "reed")))
        .hasMessageContaining("reed");
  }

  @Test
  void duplicateDefinitionsAreRejected() {
    assertThatThrownBy(() -> ScopeVocabulary.of(ScopeDefinition.of("read"), ScopeDefinition.of("read")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"read\"")
        .hasMessageContaining("twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Read", "1read", "read:", ":read", "re ad", "read::x", "*", "env:*", "r\u00e9ad"})
  void invalidNamesAreRejected(String name) {
    assertThatThrownBy(() -> ScopeVocabulary.of(ScopeDefinition.of(name)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scope name");
  }

  @ParameterizedTest
  @ValueSource(strings = {"read", "env:read", "logs.read", "env:prod-eu:write", "a_b", "x9:y"})
  void validNamesAreAccepted(String name) {
    assertThat(ScopeVocabulary.of(ScopeDefinition.of(name)).isDefined(name)).isTrue();
  }

  @Test
  void setsSpanningSeveralWordsKeepEveryScopeApart() {
    List<ScopeDefinition> defs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String name = String.format("s%03d", i);
      defs.add(i < 199 ? ScopeDefinition.of(name, String.format("s%03d", i + 1)) : ScopeDefinition.of(name));
    }
    defs.add(ScopeDefinition.of("ns:x"));
    ScopeVocabulary v = ScopeVocabulary.of(defs);

    ScopeSet fromChain = v.grant(List.of("s150"));
    assertThat(fromChain.size()).isEqualTo(50);
    assertThat(fromChain.contains("s149")).isFalse();
    assertThat(fromChain.contains("s150")).isTrue();
    assertThat(fromChain.contains("s199")).isTrue();
    assertThat(fromChain.contains("ns:x")).isFalse();
    assertThat(v.grant(List.of("ns:*")).names()).containsExactly("ns:x");
    assertThat(v.grant(List.of("s063")).intersect(v.grant(List.of("s130"))).size()).isEqualTo(70);
    assertThat(v.all().size()).isEqualTo(201);
    assertThat(v.requireAll(List.of("s000", "ns:x")).isSatisfiedBy(v.grant(List.of("s000")))).isFalse();
    assertThat(v.requireAll(List.of("s064", "s199")).isSatisfiedBy(v.grant(List.of("s064")))).isTrue();
  }

  @Test
  void unknownNamesAreNeverContained() {
    ScopeVocabulary v = ScopeVocabulary.defaults();
    assertThat(v.all().contains("deploy")).isFalse();
    assertThat(v.all().contains("*")).isFalse();
  }

  @Test
  void theEmptyRequirementIsSatisfiedByNothing() {
    ScopeVocabulary v = ScopeVocabulary.defaults();

    assertThat(ScopeRequirement.NONE.isSatisfiedBy(v.none())).isTrue();
    assertThat(ScopeRequirement.NONE.isNone()).isTrue();
    assertThat(v.requireAny(List.of())).isSameAs(ScopeRequirement.NONE);
    assertThat(v.requireAll(List.of()).isSatisfiedBy(v.none())).isTrue();
  }

  @Test
  void requirementsDescribeTheirAlternatives() {
    ScopeVocabulary v = ScopeVocabulary.defaults();
    ScopeRequirement r = v.requireAny(List.of(List.of("read", "write"), List.of("admin")));

    assertThat(r.describe()).isEqualTo("\"read and write\" or \"admin\"");
    assertThat(r.alternatives()).containsExactly(List.of("read", "write"), List.of("admin"));
    assertThat(ScopeRequirement.NONE.toString()).isEqualTo("none");
  }

  @Test
  void theOperatorVocabularyNestsWriteOverRead() {
    ScopeVocabulary v = ScopeVocabulary.operatorScopes();

    assertThat(v.grant(List.of("keys:write")).names()).containsExactly("keys:read", "keys:write");
    assertThat(v.grant(List.of("tenants:*")).names()).containsExactly("tenants:read", "tenants:write");
    assertThat(v.grant(List.of("admin"))).isEqualTo(v.all());
  }
}
