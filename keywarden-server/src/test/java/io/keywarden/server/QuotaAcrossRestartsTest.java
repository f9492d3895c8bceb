package io.keywarden.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.testing.ServerHarness;
import io.keywarden.store.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A monthly quota keeps its count when Keywarden restarts. */
class QuotaAcrossRestartsTest {
  @TempDir Path dir;

  @Test
  void aMonthlyQuotaKeepsItsCountAcrossAGracefulRestart() throws Exception {
    Path config = dir.resolve("keywarden.yaml");
    Files.writeString(config, """
        rate_limits:
          plans:
            default:
              - {name: evaluations, limit: 3, window: month, by: [workspace]}
        """);
    KeywardenConfig cfg = ConfigLoader.load(config, Map.of(), ConfigLoader.Flags.NONE);
    String key;
    try (ServerHarness first = new ServerHarness(dir, cfg)) {
      var store = first.server.keywarden().store();
      String ws = store.createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
      String user = store.createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
      store.putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
      key = first.server.keywarden().keys()
          .create(NewKeyRequest.userKey(ws, user, "k", List.of("read")), Actor.SYSTEM).secret();
      assertThat(valid(first, key)).isTrue();
      assertThat(valid(first, key)).isTrue();
    }
    try (ServerHarness second = new ServerHarness(dir, cfg)) {
      assertThat(valid(second, key)).isTrue();
      var r = second.post("/v1/keys/verify", "{\"key\":\"" + key + "\"}").send();
      assertThat(r.data().get("code").asText()).isEqualTo("quota_exceeded");
    }
  }

  private static boolean valid(ServerHarness h, String key) {
    var r = h.post("/v1/keys/verify", "{\"key\":\"" + key + "\"}").send();
    assertThat(r.status()).isEqualTo(200);
    return r.data().get("valid").asBoolean();
  }
}
