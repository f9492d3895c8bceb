package io.keywarden.store.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.store.service.Keywarden;
import io.keywarden.store.testing.Fixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastUsedRecorderTest {
  @TempDir Path dir;
  Fixture f;

  @BeforeEach
  void open() {
    f = new Fixture(dir);
  }

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void aVerifiedKeysLastUseIsWrittenOnFlush() {
    var issued = f.userKey("read");
    assertThat(f.kw.store().key(issued.key().id()).orElseThrow().lastUsedAt()).isNull();
    f.clock.advance(Duration.ofMillis(1500));
    Instant usedAt = f.clock.instant();
    f.kw.verify(VerifyRequest.ofKey(issued.secret()));
    assertThat(f.kw.lastUsed().flush()).isEqualTo(1);
    assertThat(f.kw.store().key(issued.key().id()).orElseThrow().lastUsedAt()).isEqualTo(usedAt);
  }

  @Test
  void manyUsesInOneSecondQueueOneWrite() {
    var issued = f.userKey("read");
    for (int i = 0; i < 1000; i++) {
      f.kw.verify(VerifyRequest.ofKey(issued.secret()));
    }
    assertThat(f.kw.lastUsed().flush()).isEqualTo(1);
    assertThat(f.kw.lastUsed().flush()).isZero();
  }

  @Test
  void theStoredTimeIsWithinOneSecondOfTheLastUse() {
    var issued = f.userKey("read");
    f.kw.verify(VerifyRequest.ofKey(issued.secret()));
    f.kw.lastUsed().flush();
    f.clock.advance(Duration.ofSeconds(5).plusMillis(400));
    f.kw.verify(VerifyRequest.ofKey(issued.secret()));
    f.clock.advance(Duration.ofMillis(500));
    Instant lastUse = f.clock.instant();
    f.kw.verify(VerifyRequest.ofKey(issued.secret()));
    f.kw.lastUsed().flush();
    Instant stored = f.kw.store().key(issued.key().id()).orElseThrow().lastUsedAt();
    assertThat(Duration.between(stored, lastUse)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void closingKeywardenFlushesPendingUses() {
    var issued = f.userKey("read");
    f.clock.advance(Duration.ofSeconds(3));
    Instant usedAt = f.clock.instant();
    f.kw.verify(VerifyRequest.ofKey(issued.secret()));
    f.close();
    f = null;
    try (Keywarden again = Keywarden.builder().dataDir(dir).lastUsedFlushInterval(Duration.ZERO).open()) {
      assertThat(again.store().key(issued.key().id()).orElseThrow().lastUsedAt()).isEqualTo(usedAt);
    }
  }

  @Test
  void deniedVerificationsDoNotCountAsUse() {
    var issued = f.userKey("read");
    f.kw.keys().revoke(issued.key().id(), Fixture.ACTOR);
    f.kw.verify(VerifyRequest.ofKey(issued.secret()));
    assertThat(f.kw.lastUsed().flush()).isZero();
  }

}
