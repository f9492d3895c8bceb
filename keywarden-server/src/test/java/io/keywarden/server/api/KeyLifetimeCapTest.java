package io.keywarden.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.server.testing.ServerHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workspace's {@code max_ttl_days} holds on every path that sets an expiry, over real HTTP:
 * creating a key, changing it ({@code PATCH}) and rotating it.
 */
class KeyLifetimeCapTest {
  @TempDir static Path dir;
  static ServerHarness h;

  @BeforeAll
  static void start() {
    h = new ServerHarness(dir);
  }

  @AfterAll
  static void stop() {
    h.close();
  }

  /** A workspace (capped at {@code maxTtlDays} unless null) with one admin member; its user id. */
  private static String[] workspace(Integer maxTtlDays) {
    String ws = h.post("/v1/workspaces", maxTtlDays == null ? "{\"name\":\"acme\"}"
        : "{\"name\":\"acme\",\"max_ttl_days\":" + maxTtlDays + "}").send().data().get("id").asText();
    String email = "u" + System.nanoTime() + "@example.com";
    String user = h.post("/v1/users", "{\"email\":\"" + email + "\",\"name\":\"U\"}").send().data().get("id").asText();
    assertThat(h.put("/v1/workspaces/" + ws + "/members/" + user, "{\"role\":\"admin\"}").send().status()).isEqualTo(201);
    return new String[] {ws, user};
  }

  private static ServerHarness.Reply createKey(String[] t, String extra) {
    return h.post("/v1/keys", "{\"workspace_id\":\"" + t[0] + "\",\"kind\":\"user\",\"user_id\":\"" + t[1]
        + "\",\"name\":\"ci\",\"scopes\":[\"read\"]" + extra + "}").send();
  }

  private static Instant expiresAt(ServerHarness.Reply r) {
    var v = r.data().get("expires_at");
    return v == null || v.isNull() ? null : Instant.parse(v.asText());
  }

  private static Instant now() {
    return h.clock.instant();
  }

  @Test
  void creatingAKeyBeyondTheCapIsRefused() {
    String[] t = workspace(30);
    var none = createKey(t, ",\"expires_at\":null");
    var far = createKey(t, ",\"ttl_days\":90");

    assertThat(none.status()).as(none.toString()).isEqualTo(400);
    assertThat(far.status()).as(far.toString()).isEqualTo(400);
    assertThat(far.errorField()).isEqualTo("ttl_days");
  }

  @Test
  void patchingAKeyToNeverExpireInACappedWorkspaceIsRefusedAndChangesNothing() {
    String[] t = workspace(30);
    var k = createKey(t, "");
    String id = k.data().get("id").asText();
    Instant before = expiresAt(k);

    var r = h.patch("/v1/keys/" + id, "{\"expires_at\":null}").send();

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorCode()).isEqualTo("invalid_request");
    assertThat(r.errorField()).isEqualTo("expires_at");
    assertThat(expiresAt(h.get("/v1/keys/" + id).send())).isEqualTo(before);
  }

  @Test
  void patchingAKeysExpiryBeyondTheCapIsRefused() {
    String[] t = workspace(30);
    String id = createKey(t, "").data().get("id").asText();

    var r = h.patch("/v1/keys/" + id, "{\"expires_at\":\"" + now().plus(Duration.ofDays(80)) + "\"}").send();

    assertThat(r.status()).as(r.toString()).isEqualTo(400);
    assertThat(r.errorField()).isEqualTo("expires_at");
    assertThat(r.json.get("error").get("message").asText()).contains("30 days");
  }

  @Test
  void patchingAKeysExpiryWithinTheCapIsAccepted() {
    String[] t = workspace(30);
    String id = createKey(t, "").data().get("id").asText();
    Instant within = now().plus(Duration.ofDays(20));

    var r = h.patch("/v1/keys/" + id, "{\"expires_at\":\"" + within + "\"}").send();

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(expiresAt(r)).isEqualTo(within);
  }

  @Test
  void rotationDoesNotCarryANeverExpiringKeyPastACapSetSince() {
    String[] t = workspace(null);
    var k = createKey(t, ",\"expires_at\":null");
    assertThat(k.status()).as(k.toString()).isEqualTo(201);
    assertThat(expiresAt(k)).isNull();
    assertThat(h.patch("/v1/workspaces/" + t[0], "{\"max_ttl_days\":30}").send().status()).isEqualTo(200);

    var rotated = h.post("/v1/keys/" + k.data().get("id").asText() + "/rotate", "{\"grace_seconds\":60}").send();

    assertThat(rotated.status()).as(rotated.toString()).isEqualTo(201);
    assertThat(expiresAt(rotated)).isEqualTo(now().plus(Duration.ofDays(30)));
  }

  @Test
  void rotationShortensAnInheritedLifetimeToTheCap() {
    String[] t = workspace(null);
    var k = createKey(t, ",\"ttl_days\":90");
    assertThat(h.patch("/v1/workspaces/" + t[0], "{\"max_ttl_days\":60}").send().status()).isEqualTo(200);

    var rotated = h.post("/v1/keys/" + k.data().get("id").asText() + "/rotate", "{\"grace_seconds\":0}").send();

    assertThat(expiresAt(rotated)).isEqualTo(now().plus(Duration.ofDays(60)));
  }

  @Test
  void rotationKeepsALifetimeWithinTheCap() {
    String[] t = workspace(60);
    var k = createKey(t, ",\"ttl_days\":30");

    var rotated = h.post("/v1/keys/" + k.data().get("id").asText() + "/rotate", "{\"grace_seconds\":0}").send();

    assertThat(expiresAt(rotated)).isEqualTo(now().plus(Duration.ofDays(30)));
  }
}
