package io.keywarden.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keywarden.core.decision.ProjectSelection;
import io.keywarden.core.decision.VerifyRequest;
import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.store.Actor;
import io.keywarden.store.service.Keywarden;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The identity the upstream receives for an allowed request. */
class IdentityHeadersTest {
  @TempDir Path dir;

  @Test
  void aUserKeysIdentityNamesKeyOwnerProjectAndEffectiveScopes() {
    try (Keywarden kw = Keywarden.builder().dataDir(dir).lastUsedFlushInterval(Duration.ZERO).open()) {
      var ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM);
      var proj = kw.store().createProject(ws.id(), "web", Actor.SYSTEM);
      var user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM);
      kw.store().putMembership(ws.id(), user.id(), "viewer", List.of(), null, Actor.SYSTEM);
      var key = kw.keys().create(NewKeyRequest.userKey(ws.id(), user.id(), "ci", List.of("read", "write")), Actor.SYSTEM);
      var d = kw.verify(VerifyRequest.ofKey(key.secret()).withProject(proj.id(), ProjectSelection.REQUIRED));
      assertThat(d.isValid()).isTrue();

      var headers = new IdentityHeaders(IdentityHeaders.DEFAULT_PREFIX).of(d);

      assertThat(headers).containsExactly(
          Map.entry("X-Keywarden-Key-Id", key.key().id()),
          Map.entry("X-Keywarden-Key-Kind", "user"),
          Map.entry("X-Keywarden-Key-Type", "secret"),
          Map.entry("X-Keywarden-Environment", "live"),
          Map.entry("X-Keywarden-Workspace-Id", ws.id()),
          Map.entry("X-Keywarden-Project-Id", proj.id()),
          Map.entry("X-Keywarden-User-Id", user.id()),
          Map.entry("X-Keywarden-Scopes", "read"));
    }
  }

  @Test
  void aUserKeyNamesTheProjectsItReachesSoTheUpstreamCanFilterListings() {
    try (Keywarden kw = Keywarden.builder().dataDir(dir).lastUsedFlushInterval(Duration.ZERO).open()) {
      var ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM);
      var a = kw.store().createProject(ws.id(), "a", Actor.SYSTEM);
      var b = kw.store().createProject(ws.id(), "b", Actor.SYSTEM);
      var user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM);
      kw.store().putMembership(ws.id(), user.id(), "owner", List.of(), null, Actor.SYSTEM);
      var req = NewKeyRequest.userKey(ws.id(), user.id(), "ci", List.of("read")).withProjects(List.of(a.id(), b.id()));
      var key = kw.keys().create(req, Actor.SYSTEM);
      var d = kw.verify(VerifyRequest.ofKey(key.secret()));
      assertThat(d.isValid()).isTrue();

      var headers = new IdentityHeaders(IdentityHeaders.DEFAULT_PREFIX).of(d);

      assertThat(headers).contains(Map.entry("X-Keywarden-Allowed-Projects", a.id() + " " + b.id()));

      // A member who reaches only project a: the key reaches what both lists allow.
      kw.store().putMembership(ws.id(), user.id(), "owner", List.of(a.id()), null, Actor.SYSTEM);
      kw.cache().invalidateAll();
      var narrowed = new IdentityHeaders(IdentityHeaders.DEFAULT_PREFIX).of(kw.verify(VerifyRequest.ofKey(key.secret())));
      assertThat(narrowed).contains(Map.entry("X-Keywarden-Allowed-Projects", a.id()));
      var open = kw.keys().create(NewKeyRequest.userKey(ws.id(), user.id(), "open", List.of("read")), Actor.SYSTEM);
      var member = new IdentityHeaders(IdentityHeaders.DEFAULT_PREFIX).of(kw.verify(VerifyRequest.ofKey(open.secret())));
      assertThat(member).contains(Map.entry("X-Keywarden-Allowed-Projects", a.id()));
    }
  }

  @Test
  void aKeyThatReachesTheWholeWorkspaceSendsNoAllowedProjects() {
    try (Keywarden kw = Keywarden.builder().dataDir(dir).lastUsedFlushInterval(Duration.ZERO).open()) {
      var ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM);
      var user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM);
      kw.store().putMembership(ws.id(), user.id(), "owner", List.of(), null, Actor.SYSTEM);
      var key = kw.keys().create(NewKeyRequest.userKey(ws.id(), user.id(), "ci", List.of("read")), Actor.SYSTEM);
      var headers = new IdentityHeaders(IdentityHeaders.DEFAULT_PREFIX).of(kw.verify(VerifyRequest.ofKey(key.secret())));
      assertThat(headers).extracting(Map.Entry::getKey).doesNotContain("X-Keywarden-Allowed-Projects");
    }
  }

  @Test
  void anonymousRequestsCarryNoIdentityAndThePrefixIsChecked() {
    assertThat(new IdentityHeaders("X-Acme-").of(null)).isEmpty();
    assertThat(new IdentityHeaders("X-Acme-").lowerPrefix()).isEqualTo("x-acme-");
    assertThatThrownBy(() -> new IdentityHeaders("X Acme")).isInstanceOf(IllegalArgumentException.class);
  }
}
