package io.keywarden.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.keys.KeyType;
import io.keywarden.core.ratelimit.Dimension;
import io.keywarden.core.ratelimit.RateLimitHeaders;
import io.keywarden.core.ratelimit.RatePolicy;
import io.keywarden.core.ratelimit.RateSubject;
import io.keywarden.core.ratelimit.RateWindow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code rate_limits:} section: the documented example, the defaults, and errors that name the setting. */
class RateLimitConfigTest {
  @TempDir Path dir;

  KeywardenConfig load(String yaml) throws IOException {
    Path file = dir.resolve("keywarden.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file, Map.of(), ConfigLoader.Flags.NONE);
  }

  String error(String yaml) {
    try {
      load(yaml);
    } catch (ConfigException e) {
      return e.getMessage();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("accepted: " + yaml);
  }

  @Test
  void theDocumentedExampleLoadsWithThePoliciesItShows() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "rate-limits.md"));
    int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
    RateLimitConfig c = load(doc.substring(start, doc.indexOf("```", start))).rateLimits();
    assertThat(c.backend()).isEqualTo(RateLimitConfig.Backend.LOCAL);
    assertThat(c.failedAuth().limit()).isEqualTo(60);
    assertThat(c.management().limit()).isEqualTo(1200);
    RateSubject dev = new RateSubject("key_1", "usr_1", null, "wsp_1", "203.0.113.1", "development", "default");
    List<RatePolicy> selected = c.plans().select("pro", KeyType.SECRET, dev);
    assertThat(selected).extracting(RatePolicy::name).containsExactly("per-ip", "development", "minute");
    assertThat(selected.get(2).limit()).isEqualTo(120);
    assertThat(c.plans().select("free", KeyType.SECRET, dev.withWorkspace("wsp_2")).get(2).limit()).isEqualTo(30);
  }

  @Test
  void withoutASectionEachKeyGetsAThousandPerMinuteAndGuessingIsLimitedPerIp() throws IOException {
    RateLimitConfig c = load("server: {api_port: 9000}\n").rateLimits();
    RateSubject s = new RateSubject("key_1", null, null, "wsp_1", "203.0.113.1", "live", "default");
    List<RatePolicy> p = c.plans().select(null, KeyType.SECRET, s);
    assertThat(p).singleElement().satisfies(policy -> {
      assertThat(policy.limit()).isEqualTo(1000);
      assertThat(policy.window()).isEqualTo(RateWindow.of(Duration.ofMinutes(1)));
      assertThat(policy.countedBy()).containsExactly(Dimension.KEY);
    });
    assertThat(c.failedAuth().countedBy()).containsExactly(Dimension.CLIENT_IP);
    assertThat(c.headers().format(new io.keywarden.core.ratelimit.RateOutcome(true, p.get(0), 1000, 999, 60_000_000,
        0, 60_000_000, 1_000_000_000_000L))).extracting(RateLimitHeaders.Header::name)
        .containsExactly("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset");
  }

  @Test
  void aMonthWindowIsACalendarQuotaAndDurationsTakeTheirUnits() throws IOException {
    RateLimitConfig c = load("""
        rate_limits:
          policies:
            - {name: a, limit: 5, window: 500ms}
            - {name: b, limit: 5, window: 10s}
            - {name: c, limit: 5, window: 2h}
            - {name: d, limit: 5, window: 1d, sub_windows: 24}
            - {name: e, limit: 5, window: month, by: [workspace]}
        """).rateLimits();
    List<RatePolicy> common = c.plans().common();
    assertThat(common.get(0).window()).isEqualTo(RateWindow.of(Duration.ofMillis(500)));
    assertThat(common.get(1).window()).isEqualTo(RateWindow.of(Duration.ofSeconds(10)));
    assertThat(common.get(2).window()).isEqualTo(RateWindow.of(Duration.ofHours(2)));
    assertThat(common.get(3).window()).isEqualTo(RateWindow.rolling(Duration.ofDays(1), 24));
    assertThat(common.get(4).isQuota()).isTrue();
  }

  @Test
  void theDeltaResetAndTheIetfFormAreChosenInHeaders() throws IOException {
    RateLimitConfig c = load("rate_limits: {headers: {reset: delta, ietf: true}}\n").rateLimits();
    RatePolicy p = RatePolicy.rolling("minute", 10, Duration.ofMinutes(1), Dimension.KEY);
    var headers = c.headers().format(new io.keywarden.core.ratelimit.RateOutcome(true, p, 10, 9, 21_000_000, 0,
        60_000_000, 1_000_000_000_000L));
    assertThat(headers).extracting(RateLimitHeaders.Header::value).contains("21", "\"minute\";q=10;w=60",
        "\"minute\";r=9;t=21");
  }

  @Test
  void theRedisUrlFromTheEnvironmentSelectsTheRedisBackend() throws IOException {
    Path file = dir.resolve("k.yaml");
    Files.writeString(file, "rate_limits: {redis: {timeout_ms: 20, on_failure: refuse}}\n");
    RateLimitConfig c = ConfigLoader.load(file, Map.of("KEYWARDEN_REDIS_URL", "redis://10.0.0.5:6380"),
        ConfigLoader.Flags.NONE).rateLimits();
    assertThat(c.backend()).isEqualTo(RateLimitConfig.Backend.REDIS);
    assertThat(c.redisUrl()).isEqualTo("redis://10.0.0.5:6380");
    assertThat(c.redisTimeout()).isEqualTo(Duration.ofMillis(20));
    assertThat(c.onFailure()).isEqualTo(RateLimitConfig.OnFailure.REFUSE);
  }

  @Test
  void failedAuthenticationLimitsCanBeTurnedOff() throws IOException {
    assertThat(load("rate_limits: {failed_auth: {enabled: false}}\n").rateLimits().failedAuth()).isNull();
  }

  @Test
  void mistakesAreReportedWithTheSettingAtFault() {
    assertThat(error("rate_limits: {backend: memcached}\n")).contains("rate_limits.backend");
    assertThat(error("rate_limits: {plans: {gold: []}}\n")).contains("rate_limits.plans.gold").contains("access.plans");
    assertThat(error("rate_limits: {policies: [{name: a, limit: 5, window: 5 minutes}]}\n"))
        .contains("rate_limits.policies[0].window");
    assertThat(error("rate_limits: {policies: [{name: a, limit: 0, window: 1m}]}\n"))
        .contains("rate_limits.policies[0].limit");
    assertThat(error("rate_limits: {policies: [{name: a, window: 1m}]}\n")).contains("rate_limits.policies[0].limit")
        .contains("required");
    assertThat(error("rate_limits: {policies: [{name: a, limit: 5, window: 1m, by: [ip]}]}\n"))
        .contains("rate_limits.policies[0].by[0]");
    assertThat(error("rate_limits: {policies: [{name: a, limit: 5, window: 1m, environments: [staging]}]}\n"))
        .contains("rate_limits.policies[0].environments[0]");
    assertThat(error("rate_limits: {policies: [{name: a, limit: 5, window: 1m}, {name: a, limit: 6, window: 1m}]}\n"))
        .contains("rate_limits.policies[1].name").contains("twice");
    assertThat(error("rate_limits: {policies: [{name: Big, limit: 5, window: 1m}]}\n"))
        .contains("rate_limits.policies[0].name");
    assertThat(error("rate_limits: {policies: [{name: failed-auth, limit: 5, window: 1m}]}\n")).contains("reserved");
    assertThat(error("rate_limits: {policies: [{name: a, limit: 5000, window: 1ms}]}\n"))
        .contains("rate_limits.policies[0]");
    assertThat(error("rate_limits: {policies: [{name: a, limit: 5, window: month, sub_windows: 4}]}\n"))
        .contains("sub_windows");
    assertThat(error("rate_limits: {redis: {url: \"http://x\"}}\n")).contains("rate_limits.redis.url");
    assertThat(error("rate_limits: {colour: blue}\n")).contains("rate_limits.colour");
  }
}
