package io.keywarden.security.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.security.RunningKeywarden;
import io.keywarden.store.Actor;
import io.keywarden.testkit.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw-socket HTTP fuzzer against both listeners of a real Keywarden whose gateway forwards to
 * an {@link EchoUpstream}. One case is one connection: one to three generated requests and a
 * closing sentinel. Oracles (see {@link HttpFuzzer}): 0 5xx from Keywarden, 0 hangs, 0 minted keys
 * or forged identity headers at the upstream, 0 requests the upstream reads differently from the
 * gateway (count and path), 0 smuggled requests processed.
 *
 * <p>Bounded in CI: {@code keywarden.httpfuzz.cases} gateway cases (default 8000) plus a quarter
 * as many API cases. The long run: {@code -Dkeywarden.httpfuzz.cases=400000} (about 1M requests),
 * see docs/security.md. {@code keywarden.httpfuzz.seed} replays a run.
 */
class HttpFuzzTest {
  @TempDir Path dir;

  @Test
  void bothListenersAnswerEveryGeneratedRequestAndTheUpstreamSeesOnlyWhatTheGatewayMeant() throws Exception {
    int cases = Integer.getInteger("keywarden.httpfuzz.cases", 8_000);
    long seed = Long.getLong("keywarden.httpfuzz.seed", System.nanoTime());
    MutableClock clock = MutableClock.atFixedStart();
    try (EchoUpstream upstream = new EchoUpstream();
        RunningKeywarden kw = new RunningKeywarden(dir, """
            rate_limits:
              failed_auth: {enabled: false}
              management: {enabled: false}
            gateway:
              trusted_proxies: [127.0.0.1/32]
              upstreams:
                default: {url: "http://127.0.0.1:%d"}
              routes:
                - {path: "/open/{rest*}", authentication: none}
                - {path: "/v1/{rest*}", scopes: [read]}
                - {path: "/hdr/{rest*}", credentials: ["header:X-Api-Key"], scopes: [read]}
                - {path: "/q/{rest*}", credentials: ["query:api_key"], scopes: [read]}
            """.formatted(upstream.port()), clock)) {
      var k = kw.server.keywarden();
      String ws = k.store().createWorkspace("Fuzz", "default", null, Actor.SYSTEM).id();
      String user = k.store().createUser("fuzz@example.com", "Fuzz", Actor.SYSTEM).id();
      k.store().putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
      String valid = k.keys().create(NewKeyRequest.userKey(ws, user, "valid", List.of("read")), Actor.SYSTEM).secret();
      var revokedKey = k.keys().create(NewKeyRequest.userKey(ws, user, "revoked", List.of("read")), Actor.SYSTEM);
      k.keys().revoke(revokedKey.key().id(), Actor.SYSTEM);
      String writeOnly = k.keys().create(NewKeyRequest.userKey(ws, user, "write", List.of("write")), Actor.SYSTEM).secret();
      List<String> others = List.of(revokedKey.secret(), writeOnly,
          valid.substring(0, valid.length() - 1) + (valid.endsWith("A") ? "B" : "A"));

      HttpFuzzer gateway = new HttpFuzzer();
      RequestGenerator gen = new RequestGenerator(seed, valid, others,
          java.util.Set.of(valid, revokedKey.secret(), writeOnly), false);
      for (int i = 0; i < cases; i++) {
        if (i % 500 == 0) {
          clock.advance(Duration.ofMinutes(1)); // fresh rate-limit windows, no sleeping
        }
        gateway.run(gen.next(i), kw.gatewayPort(), upstream);
      }
      gateway.finish(upstream);

      HttpFuzzer api = new HttpFuzzer();
      RequestGenerator apiGen = new RequestGenerator(seed + 1, kw.adminKey, List.of(valid),
          java.util.Set.of(kw.adminKey, valid), true);
      for (int i = 0; i < cases / 4; i++) {
        RequestGenerator.Case c = apiGen.next(i);
        c.secrets.add(kw.adminKey);
        c.secrets.add(valid);
        api.run(c, kw.apiPort(), null);
      }

      String report = "seed " + seed + "\n" + gateway.report("gateway")
          + "upstream requests reset mid-body by the gateway: " + upstream.aborted.get() + "\n" + api.report("api");
      Path out = Path.of("target", "httpfuzz-report.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report);
      System.out.println(report);
      assertThat(gateway.findings).as(report).isEmpty();
      assertThat(api.findings).as(report).isEmpty();
    }
  }
}
