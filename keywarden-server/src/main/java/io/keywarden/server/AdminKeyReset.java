package io.keywarden.server;

import io.keywarden.server.config.KeywardenConfig;
import io.keywarden.store.Actor;
import io.keywarden.store.service.Keywarden;
import io.keywarden.store.service.OperatorKeyService;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * {@code keywarden admin reset-key}: access to the store is the authority. Opens the store a node
 * of the same configuration opens, revokes the admin keys that bootstrap or an earlier reset
 * issued (and their rotation successors), issues a new unbound admin key and hands it over once
 * (printed, or written to the admin key file), with one audit event. The key is handed over
 * before anything is stored: if it cannot be written, the old keys stay as they were. It works while nodes run:
 * they look at the store's operator-key generation on every management request (and every second
 * for the verification API), so the old key is refused and the new one accepted at once.
 */
public final class AdminKeyReset {
  private AdminKeyReset() {}

  /** Resets the admin key of the deployment {@code config} describes; returns the new key's id. */
  public static OperatorKeyService.Reset reset(KeywardenConfig config, Clock clock, PrintStream terminal)
      throws IOException {
    Actor actor = new Actor("system:reset-key", null,
        "keywarden admin reset-key (" + System.getProperty("user.name", "?") + ")");
    try (Keywarden kw = KeywardenServer.store(config, clock).lastUsedFlushInterval(Duration.ZERO).open()) {
      OperatorKeyService.Reset reset;
      try {
        reset = kw.operatorKeys().resetAdminKey(actor, issued -> {
          try {
            Bootstrap.handOver(issued.secret(), config.adminKeyFile(), terminal);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
      } catch (java.io.UncheckedIOException e) {
        throw e.getCause();
      }
      List<String> revoked = reset.revokedKeyIds();
      terminal.println("Revoked " + (revoked.isEmpty() ? "no earlier admin key" : String.join(", ", revoked))
          + "; new admin key " + reset.issued().key().id() + " (" + reset.issued().key().display() + ").");
      terminal.flush();
      return reset;
    }
  }
}
