package io.keywarden.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.keys.KeyType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which policies apply to a request: plan, key type, environment, route group, overrides. */
class RatePlansTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static final RatePolicy PER_IP = RatePolicy.rolling("per-ip", 1000, Duration.ofSeconds(10), Dimension.CLIENT_IP);
  private static final RatePolicy FREE = RatePolicy.rolling("tier", 30, MINUTE, Dimension.WORKSPACE);
  private static final RatePolicy PRO = RatePolicy.rolling("tier", 120, MINUTE, Dimension.WORKSPACE);
  private static final RatePolicy DEV = RatePolicy.rolling("env-development", 100, Duration.ofMinutes(10),
      Dimension.PROJECT, Dimension.ENVIRONMENT).when(Applicability.ALWAYS.environments("development"));
  private static final RatePolicy AUTH = RatePolicy.rolling("auth", 5, MINUTE, Dimension.CLIENT_IP)
      .when(Applicability.ALWAYS.routeGroups("auth"));
  private static final RatePolicy PUBLISHABLE = RatePolicy.rolling("publishable", 50, MINUTE, Dimension.KEY)
      .when(Applicability.ALWAYS.keyTypes(KeyType.PUBLISHABLE));

  private final RatePlans plans = RatePlans.builder()
      .common(PER_IP, AUTH, PUBLISHABLE)
      .plan(Plan.of("free", FREE, DEV))
      .plan(Plan.of("pro", PRO, DEV))
      .defaultPlan("free")
      .build();

  private static RateSubject request(String env, String route) {
    return RateSubject.builder().key("key_1").workspace("ws_1").project("prj_1")
        .clientIp("203.0.113.7").environment(env).routeGroup(route).build();
  }

  private static List<String> names(List<RatePolicy> policies) {
    return policies.stream().map(p -> p.name() + "=" + p.limit()).toList();
  }

  @Test
  void theWorkspacesPlanDecidesTheTier() {
    assertThat(names(plans.select("pro", KeyType.SECRET, request("production", "default"))))
        .containsExactly("per-ip=1000", "tier=120");
    assertThat(names(plans.select("free", KeyType.SECRET, request("production", "default"))))
        .containsExactly("per-ip=1000", "tier=30");
  }

  @Test
  void noPlanOrAnUnknownPlanMeansTheDefaultPlan() {
    assertThat(plans.select(null, KeyType.SECRET, request("live", "default"))).contains(FREE);
    assertThat(plans.select("gold", KeyType.SECRET, request("live", "default"))).contains(FREE);
  }

  @Test
  void environmentRouteGroupAndKeyTypeNarrowWhatApplies() {
    assertThat(names(plans.select("pro", KeyType.PUBLISHABLE, request("development", "auth"))))
        .containsExactly("per-ip=1000", "auth=5", "publishable=50", "tier=120", "env-development=100");
    assertThat(names(plans.select("pro", null, request(null, null))))
        .containsExactly("per-ip=1000", "tier=120");
  }

  @Test
  void aPolicyThatCannotCountTheRequestIsNotSelected() {
    RateSubject noIp = RateSubject.builder().key("k").workspace("ws").build();
    assertThat(names(plans.select("free", KeyType.SECRET, noIp))).containsExactly("tier=30");
  }

  @Test
  void aWorkspaceOverrideReplacesThePolicyOfTheSameName() {
    List<RatePolicy> enterprise = List.of(PRO.withLimit(10_000));
    assertThat(names(plans.select("pro", KeyType.SECRET, request("live", "default"), enterprise, List.of())))
        .containsExactly("per-ip=1000", "tier=10000");
  }

  @Test
  void aKeyOverrideWinsOverAWorkspaceOverride() {
    assertThat(names(plans.select("pro", KeyType.SECRET, request("live", "default"),
        List.of(PRO.withLimit(10_000)), List.of(PRO.withLimit(5)))))
        .containsExactly("per-ip=1000", "tier=5");
  }

  @Test
  void anOverrideWithANewNameAddsALimit() {
    RatePolicy keyDaily = RatePolicy.rolling("key-daily", 500, Duration.ofDays(1), Dimension.KEY);
    assertThat(names(plans.select("free", KeyType.SECRET, request("live", "default"), List.of(), List.of(keyDaily))))
        .containsExactly("per-ip=1000", "tier=30", "key-daily=500");
  }

  @Test
  void anOverrideThatDoesNotApplyToTheRequestIsIgnored() {
    RatePolicy devOnly = FREE.withLimit(1).when(Applicability.ALWAYS.environments("development"));
    assertThat(names(plans.select("free", KeyType.SECRET, request("production", "default"), List.of(devOnly), List.of())))
        .containsExactly("per-ip=1000", "tier=30");
  }

  @Test
  void theDefaultsAreOneGenerousPerKeyLimit() {
    RatePlans d = RatePlans.defaults();
    assertThat(d.defaultPlan().name()).isEqualTo("default");
    assertThat(names(d.select(null, KeyType.SECRET, request("live", "default")))).containsExactly("default=1000");
    assertThat(d.common()).isEmpty();
    assertThat(d.plan("default")).isSameAs(d.defaultPlan());
  }

  @Test
  void misconfigurationsAreReportedByName() {
    assertThatThrownBy(() -> Plan.of("pro", FREE, PRO))
        .hasMessage("plan \"pro\" defines rate policy \"tier\" twice");
    assertThatThrownBy(() -> Plan.of("Pro"))
        .hasMessage("plan name \"Pro\" must be lower-case letters, digits, '-' or '_'");
    assertThatThrownBy(() -> RatePlans.builder().plan(Plan.of("a")).plan(Plan.of("a")))
        .hasMessage("plan \"a\" is defined twice");
    assertThatThrownBy(() -> RatePlans.builder().plan(Plan.of("a")).defaultPlan("b").build())
        .hasMessage("rate plans default plan \"b\" is not one of [a]");
    assertThatThrownBy(() -> RatePlans.builder().common(FREE).plan(Plan.of("a", PRO)).build())
        .hasMessage("rate policy \"tier\" is defined both as a common policy and in plan \"a\"");
    assertThatThrownBy(() -> RatePlans.builder().common(PER_IP, PER_IP).plan(Plan.of("a")).build())
        .hasMessage("common rate policy \"per-ip\" is defined twice");
    assertThatThrownBy(() -> RatePlans.builder().build())
        .hasMessage("rate plans must define at least one plan");
  }

  @Test
  void theFirstPlanIsTheDefaultUnlessNamed() {
    RatePlans p = RatePlans.builder().plan(Plan.of("b")).plan(Plan.of("a")).build();
    assertThat(p.defaultPlan().name()).isEqualTo("b");
  }
}
