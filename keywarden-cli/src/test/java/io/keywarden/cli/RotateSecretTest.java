package io.keywarden.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.decision.DecisionStatus;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.store.Actor;
import io.keywarden.store.service.Keywarden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keywarden rotate-secret}: new keys use the new version, old keys keep verifying. */
class RotateSecretTest {
  @TempDir Path dir;

  private Keywarden open() {
    return Keywarden.builder().dataDir(dir).lastUsedFlushInterval(Duration.ZERO).open();
  }

  @Test
  void keysMadeBeforeARotationKeepVerifyingAndNewKeysUseTheNewVersion() throws Exception {
    String oldKey;
    String ws;
    String user;
    try (Keywarden kw = open()) {
      ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
      user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
      kw.store().putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
      var issued = kw.keys().create(NewKeyRequest.userKey(ws, user, "before", List.of("read")), Actor.SYSTEM);
      assertThat(issued.key().hashVersion()).isEqualTo(1);
      oldKey = issued.secret();
    }

    assertThat(Main.run("rotate-secret", "--data-dir", dir.toString())).isZero();
    assertThat(Files.readString(dir.resolve("secret.key"))).contains("v1:").contains("v2:");

    try (Keywarden kw = open()) {
      assertThat(kw.verify(VerifyRequest.ofKey(oldKey)).status()).isEqualTo(DecisionStatus.VALID);
      var issued = kw.keys().create(NewKeyRequest.userKey(ws, user, "after", List.of("read")), Actor.SYSTEM);
      assertThat(issued.key().hashVersion()).isEqualTo(2);
      assertThat(kw.verify(VerifyRequest.ofKey(issued.secret())).status()).isEqualTo(DecisionStatus.VALID);
    }
  }

  @Test
  void rotatingWhereThereIsNoSecretFailsAndCreatesNothing() {
    Path empty = dir.resolve("nothing-here");
    assertThat(Main.run("rotate-secret", "--data-dir", empty.toString())).isEqualTo(2);
    assertThat(Files.exists(empty)).isFalse();
  }
}
