package io.keywarden.store.service;

import io.keywarden.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.core.keys.KeyFormat;
import io.keywarden.core.policy.IssuedKey;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.store.AuditFilter;
import io.keywarden.store.PageRequest;
import io.keywarden.store.testing.Fixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a whole key lifecycle with every logger at TRACE, then searches the log output, the error
 * messages, the audit trail and every file of the data directory for the raw keys (and their
 * random parts): none may appear.
 */
class RawKeysNeverLoggedTest {
  @TempDir Path dir;

  @Test
  void noRawKeyAppearsInLogsErrorsAuditOrDataFiles() throws Exception {
    LogCapture logs = LogCapture.start();

    List<String> secrets = new ArrayList<>();
    List<String> errorMessages = new ArrayList<>();
    try (Fixture f = new Fixture(dir)) {
      IssuedKey a = f.userKey("read");
      IssuedKey b = f.kw.keys().create(NewKeyRequest.projectKey(f.workspace.id(), f.projectA.id(), "p"), Fixture.ACTOR);
      IssuedKey op = f.kw.keys().createOperatorKey("ops", List.of("admin"), null, Fixture.ACTOR);
      secrets.add(a.secret());
      secrets.add(b.secret());
      secrets.add(op.secret());
      var scopes = f.kw.model().scopes();
      for (String s : List.copyOf(secrets)) {
        f.kw.verify(VerifyRequest.ofKey(s));
        f.kw.verify(VerifyRequest.ofKey(s).withRequirement(scopes.requireAll(List.of("admin"))));
        f.kw.verify(VerifyRequest.ofKey(s).withClientIp("10.0.0.1").withProject("proj_nope", ProjectSelection.REQUIRED));
        f.kw.verifyOperator(VerifyRequest.ofKey(s));
        String bad = s.substring(0, s.length() - 1) + (s.endsWith("a") ? "b" : "a");
        secrets.add(bad);
        f.kw.verify(VerifyRequest.ofKey(bad));
      }
      IssuedKey rotated = f.kw.keys().rotate(a.key().id(), Duration.ofSeconds(30), Fixture.ACTOR);
      secrets.add(rotated.secret());
      f.kw.verify(VerifyRequest.ofKey(rotated.secret()));
      f.kw.keys().revoke(b.key().id(), Fixture.ACTOR);
      f.kw.verify(VerifyRequest.ofKey(b.secret()));
      try {
        f.kw.keys().create(NewKeyRequest.userKey(f.workspace.id(), f.user.id(), a.secret(), List.of("nope")), Fixture.ACTOR);
      } catch (KeywardenException e) {
        errorMessages.add(e.getMessage());
      }
      f.kw.lastUsed().flush();
      String audit = f.kw.store().auditEvents(AuditFilter.ALL, PageRequest.first(100)).items().toString();
      for (String s : secrets) {
        assertThat(audit).doesNotContain(s).doesNotContain(randomPart(s));
      }
    } finally {
      logs.close();
    }

    String logText = logs.text();
    assertThat(logText).isNotBlank();
    List<byte[]> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        files.add(Files.readAllBytes(p));
      }
    }
    assertThat(files).isNotEmpty();
    for (String s : secrets) {
      assertThat(logText).doesNotContain(s).doesNotContain(randomPart(s));
      assertThat(errorMessages.toString()).doesNotContain(s);
      for (byte[] file : files) {
        String latin = new String(file, StandardCharsets.ISO_8859_1);
        assertThat(latin.contains(randomPart(s))).as("raw key in a data file").isFalse();
      }
    }
  }

  private static String randomPart(String key) {
    int start = key.length() - KeyFormat.BODY_LENGTH;
    return key.substring(start, start + KeyFormat.RANDOM_LENGTH);
  }
}
