package io.keywarden.server.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.server.ratelimit.redis.RedisLimiter.OnFailure;
import io.keywarden.server.ratelimit.redis.RedisLimiter.Options;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Redis backend's options: defaults, and errors that name the setting. */
class RedisLimiterOptionsTest {

  @Test
  void theDefaultsAreAFiftyMillisecondTimeoutTheLocalFallbackAndTheKwPrefix() {
    Options o = Options.of("redis://127.0.0.1:6379");

    assertThat(o.timeout()).isEqualTo(Duration.ofMillis(50));
    assertThat(o.onFailure()).isEqualTo(OnFailure.LOCAL);
    assertThat(o.keyPrefix()).isEqualTo("kw:rl:");
  }

  @Test
  void aUrlThatIsNotRedisIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> Options.of("http://user:secret@example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("redis url must start with redis:// or rediss://");
    assertThatThrownBy(() -> Options.of(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("redis url must be set");
  }

  @Test
  void aTimeoutOutsideOneMillisecondToOneMinuteIsRefused() {
    Options o = Options.of("redis://127.0.0.1");

    assertThatThrownBy(() -> o.withTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("redis timeout must be between 1 ms and 1 minute");
    assertThatThrownBy(() -> o.withTimeout(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("redis timeout must be between 1 ms and 1 minute");
  }

  @Test
  void logsShowTheEndpointWithoutThePassword() {
    assertThat(Options.of("redis://:s3cret@cache.internal:6380/2").endpoint())
        .isEqualTo("redis://cache.internal:6380");
  }
}
