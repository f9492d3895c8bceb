package io.keywarden.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.keys.KeyType;
import io.keywarden.core.scopes.ScopeDefinition;
import io.keywarden.core.scopes.ScopeVocabulary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The access model's documented defaults and the builder's checks, which name the setting. */
class AccessModelTest {

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    AccessModel m = AccessModel.defaults();

    assertThat(m.scopes().names()).containsExactly("read", "write", "admin");
    assertThat(m.environments()).containsExactly("live", "test");
    assertThat(m.defaultEnvironment()).isEqualTo("live");
    assertThat(m.prefix(KeyType.SECRET, "live")).isEqualTo("kw_sk_live");
    assertThat(m.prefix(KeyType.SECRET, "test")).isEqualTo("kw_sk_test");
    assertThat(m.prefix(KeyType.PUBLISHABLE, "live")).isEqualTo("kw_pk_live");
    assertThat(m.prefix(KeyType.PUBLISHABLE, "test")).isEqualTo("kw_pk_test");
    assertThat(m.operatorPrefix()).isEqualTo("kw_op");
    assertThat(m.ttl().choicesDays()).containsExactly(30, 60, 90);
    assertThat(m.ttl().allowNone()).isTrue();
    assertThat(m.ttl().defaultDays()).isEqualTo(90);
    assertThat(m.plans()).containsExactly("default");
    assertThat(m.defaultPlan()).isEqualTo("default");
    assertThat(m.maxMetadataBytes()).isEqualTo(4096);
  }

  @Test
  void theDefaultRolesAreOwnerAdminMemberAndViewer() {
    AccessModel m = AccessModel.defaults();
    ScopeVocabulary v = m.scopes();

    assertThat(m.roles().keySet()).containsExactly("owner", "admin", "member", "viewer");
    assertThat(m.role("owner").granted()).isEqualTo(v.all());
    assertThat(m.role("admin").granted()).isEqualTo(v.all());
    assertThat(m.role("member").granted().names()).containsExactly("read", "write");
    assertThat(m.role("viewer").granted().names()).containsExactly("read");
    assertThat(m.role("ghost")).isNull();
  }

  @Test
  void aDefaultEnvironmentThatIsNotListedIsRejected() {
    AccessModel.Builder b = AccessModel.builder().environments(List.of("development", "production"), "prod");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environments.default")
        .hasMessageContaining("prod");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "KW_live", "kw__live", "1kw", "kw-live", "kw_"})
  void aBadPrefixIsRejectedAtOnce(String prefix) {
    assertThatThrownBy(() -> AccessModel.builder().prefix(KeyType.SECRET, "live", prefix))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key prefix")
        .hasMessageContaining("\"" + prefix + "\"");
  }

  @Test
  void aPrefixForAnUnknownEnvironmentIsRejected() {
    AccessModel.Builder b = AccessModel.builder().prefix(KeyType.SECRET, "staging", "kw_staging");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret/staging");
  }

  @Test
  void anOperatorPrefixEqualToAnAccessPrefixIsRejected() {
    AccessModel.Builder b = AccessModel.builder().operatorPrefix("kw_sk_live");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("operator key prefix");
  }

  @Test
  void aRoleGrantingAnUnknownScopeIsRejected() {
    Map<String, List<String>> roles = new LinkedHashMap<>();
    roles.put("owner", List.of("*"));
    roles.put("deployer", List.of("read", "deploy"));
    AccessModel.Builder b = AccessModel.builder().roles(roles);

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("role \"deployer\"")
        .hasMessageContaining("deploy");
  }

  @Test
  void rolesAreCheckedAgainstTheConfiguredVocabulary() {
    AccessModel m = AccessModel.builder()
        .scopes(ScopeVocabulary.of(
            ScopeDefinition.of("read"), ScopeDefinition.of("deploy"), ScopeDefinition.of("env:read")))
        .roles(Map.of("deployer", List.of("deploy", "env:*")))
        .build();

    assertThat(m.role("deployer").granted().names()).containsExactly("deploy", "env:read");
    assertThat(m.role("deployer").grants()).containsExactly("deploy", "env:*");
  }

  @Test
  void theDefaultRolesMustFitACustomVocabulary() {
    AccessModel.Builder b = AccessModel.builder()
        .scopes(ScopeVocabulary.of(ScopeDefinition.of("read"), ScopeDefinition.of("agentic")));
    assertThatThrownBy(b::build).hasMessageContaining("role \"member\"").hasMessageContaining("write");
  }

  @Test
  void atLeastOneRoleIsNeeded() {
    AccessModel.Builder b = AccessModel.builder().roles(Map.of());
    assertThatThrownBy(b::build).hasMessageContaining("at least one role");
  }

  @Test
  void aBadRoleNameIsRejectedAtOnce() {
    assertThatThrownBy(() -> AccessModel.builder().roles(Map.of("Super User", List.of("*"))))
        .hasMessageContaining("role name \"Super User\"");
  }

  @Test
  void aDefaultTtlThatIsNotAChoiceIsRejected() {
    assertThatThrownBy(() -> new TtlPolicy(List.of(30, 60), true, 90))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl default 90")
        .hasMessageContaining("[30, 60]");
  }

  @Test
  void ttlPoliciesRejectImpossibleSettings() {
    assertThatThrownBy(() -> new TtlPolicy(List.of(), false, null))
        .hasMessageContaining("at least one choice");
    assertThatThrownBy(() -> new TtlPolicy(List.of(30), false, null))
        .hasMessageContaining("none only when none is allowed");
    assertThatThrownBy(() -> new TtlPolicy(List.of(0, 30), true, 30))
        .hasMessageContaining("between 1 and 36500");
    assertThatThrownBy(() -> new TtlPolicy(List.of(36501), true, null))
        .hasMessageContaining("between 1 and 36500");
  }

  @Test
  void ttlPoliciesDescribeTheirChoices() {
    assertThat(TtlPolicy.defaults().describe()).isEqualTo("30, 60, 90 or none");
    assertThat(new TtlPolicy(List.of(30, 60, 90), false, 90).describe()).isEqualTo("30, 60 or 90");
    assertThat(new TtlPolicy(List.of(7), false, 7).describe()).isEqualTo("7");
    assertThat(new TtlPolicy(List.of(), true, null).describe()).isEqualTo("none");
    assertThat(new TtlPolicy(List.of(30, 60, 90), false, 90).longestDays()).isEqualTo(90);
    assertThat(TtlPolicy.defaults().longestDays()).isNull();
  }

  @Test
  void environmentsAreChecked() {
    assertThatThrownBy(() -> AccessModel.builder().environments(List.of(), "live"))
        .hasMessageContaining("environments must not be empty");
    assertThatThrownBy(() -> AccessModel.builder().environments(List.of("live", "live"), "live"))
        .hasMessageContaining("\"live\" is listed twice");
    assertThatThrownBy(() -> AccessModel.builder().environments(List.of("Live"), "Live"))
        .hasMessageContaining("environment \"Live\"");
  }

  @Test
  void environmentNamesWithDashesGetUnderscoredDefaultPrefixes() {
    AccessModel m = AccessModel.builder().environments(List.of("live", "dev-eu"), "live").build();
    assertThat(m.prefix(KeyType.PUBLISHABLE, "dev-eu")).isEqualTo("kw_pk_dev_eu");
  }

  @Test
  void plansAreChecked() {
    assertThatThrownBy(() -> AccessModel.builder().plans(List.of(), "free"))
        .hasMessageContaining("plans must not be empty");
    assertThatThrownBy(() -> AccessModel.builder().plans(List.of("Free"), "Free"))
        .hasMessageContaining("plan name \"Free\"");
    AccessModel.Builder b = AccessModel.builder().plans(List.of("free", "pro"), "team");
    assertThatThrownBy(b::build).hasMessageContaining("plans.default").hasMessageContaining("team");
    assertThat(AccessModel.builder().plans(List.of("free", "pro", "team"), "free").build().plans())
        .containsExactly("free", "pro", "team");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 1, 65537})
  void theMetadataLimitIsChecked(int bytes) {
    assertThatThrownBy(() -> AccessModel.builder().maxMetadataBytes(bytes))
        .hasMessageContaining("max metadata size");
  }

  @Test
  void anUnknownKeyClassHasNoPrefix() {
    assertThatThrownBy(() -> AccessModel.defaults().prefix(KeyType.SECRET, "staging"))
        .hasMessageContaining("secret/staging");
  }
}
