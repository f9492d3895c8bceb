package io.keywarden.server.gateway;

import io.keywarden.core.policy.NewKeyRequest;
import io.keywarden.server.KeywardenServer;
import io.keywarden.server.config.ConfigLoader;
import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.server.config.ServerSettings;
import io.keywarden.store.Actor;
import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Keywarden node for {@link GatewayBoundedMemoryTest}, run in a child JVM with a small heap:
 * {@code <config file> <work dir>}. It issues one key with the scope {@code read} and writes the
 * gateway's port and that key to {@code <work dir>/ready} (never to its output), then serves until
 * it is killed.
 */
public final class BoundedHeapGatewayMain {
  private BoundedHeapGatewayMain() {}

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[0]);
    Path work = Path.of(args[1]);
    KeywardenConfig base = ConfigLoader.load(config, Map.of(), ConfigLoader.Flags.NONE);
    KeywardenConfig cfg = base
        .withServer(new ServerSettings("127.0.0.1", 0, 0, base.server().maxBodyBytes(), Duration.ofSeconds(2), 1))
        .withDataDir(work.resolve("data"))
        .withAdminKeyFile(work.resolve("admin.key"));
    KeywardenServer server = KeywardenServer.start(cfg,
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    var kw = server.keywarden();
    String ws = kw.store().createWorkspace("Acme", "default", null, Actor.SYSTEM).id();
    String user = kw.store().createUser("ada@example.com", "Ada", Actor.SYSTEM).id();
    kw.store().putMembership(ws, user, "member", List.of(), null, Actor.SYSTEM);
    String key = kw.keys().create(NewKeyRequest.userKey(ws, user, "stream", List.of("read")), Actor.SYSTEM).secret();
    Path tmp = work.resolve("ready.tmp");
    Files.writeString(tmp, server.gatewayPort() + "\n" + key + "\n");
    Files.move(tmp, work.resolve("ready"), StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}
