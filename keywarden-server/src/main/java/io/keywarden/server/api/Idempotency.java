package io.keywarden.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keywarden.core.errors.ErrorCode;
import io.keywarden.core.errors.KeywardenException;
import io.keywarden.server.http.Json;
import io.keywarden.server.http.Responses;
import io.keywarden.store.IdempotentAnswer;
import io.keywarden.store.Store;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Consumer;

/**
 * {@code Idempotency-Key} on the {@code POST}s that create something, so that a client that
 * retries after a lost answer never makes two objects.
 *
 * <p>A creation handler is wrapped ({@link #wrap}); the key is reserved once the operator key is
 * known ({@link OperatorAuth} calls {@link #reserve}), per operator key, in one store write that
 * concurrent duplicates cannot both win. Then:
 * <ul>
 *   <li>a first request runs, and its answer (status and body) is kept for {@link #RETENTION};
 *       if it fails, the reservation is given up, so the client may retry with the same key;
 *   <li>a repeat with the same method, path and body gets the first answer again, with {@code
 *       Idempotent-Replayed: true}; while the first is still running it gets 409 {@code
 *       idempotency_in_progress};
 *   <li>a different request with the same key gets 409 {@code idempotency_key_reused};
 *   <li>a repeat of a key creation or rotation gets 409 {@code idempotency_replayed_secret}
 *       naming the key: only the key's HMAC is stored, never its secret, so the first answer
 *       cannot be shown again, and an answer without the secret could be taken for a usable one.
 *       The client rotates (or revokes) the named key.
 * </ul>
 * Entries are swept by the next reservation once they are older than {@link #RETENTION} (by the
 * injected clock).
 */
final class Idempotency {
  /** The request header. */
  static final String HEADER = "Idempotency-Key";
  /** How long a first answer is kept. */
  static final Duration RETENTION = Duration.ofHours(24);
  /** Longest accepted key. */
  static final int MAX_KEY_LENGTH = 255;

  private static final String PENDING = Idempotency.class.getName();

  private Idempotency() {}

  /** A request with an idempotency key whose operator key is not known yet. */
  private static final class Pending {
    final Store store;
    final Clock clock;
    final String key;
    final String requestHash;
    final boolean secretBearing;
    String owner; // set once reserved

    Pending(Store store, Clock clock, String key, String requestHash, boolean secretBearing) {
      this.store = store;
      this.clock = clock;
      this.key = key;
      this.requestHash = requestHash;
      this.secretBearing = secretBearing;
    }
  }

  /**
   * Wraps a creation handler.
   *
   * @param secretBearing whether its answer carries a key's secret (key creation, rotation)
   */
  static Consumer<RoutingContext> wrap(Store store, Clock clock, boolean secretBearing,
      Consumer<RoutingContext> handler) {
    return ctx -> {
      String key = ctx.request().getHeader(HEADER);
      if (key == null) {
        handler.accept(ctx);
        return;
      }
      if (key.isEmpty() || key.length() > MAX_KEY_LENGTH
          || !key.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e)) {
        throw KeywardenException.invalid(HEADER, HEADER + " must be 1 to " + MAX_KEY_LENGTH
            + " visible ASCII characters.");
      }
      Pending p = new Pending(store, clock, key, hash(ctx), secretBearing);
      ctx.put(PENDING, p);
      try {
        handler.accept(ctx);
      } catch (RuntimeException | Error e) {
        ctx.remove(Responses.ON_ANSWER);
        if (p.owner != null && !ctx.response().ended()) {
          store.releaseIdempotencyKey(p.owner, p.key);
        }
        throw e;
      }
    };
  }

  /**
   * Called once the operator key is known: reserves the key, or answers with the first answer
   * (by throwing a {@link io.keywarden.server.http.Replayed} the failure handler writes) or a 409.
   */
  static void reserve(RoutingContext ctx, Caller caller) {
    Pending p = ctx.get(PENDING);
    if (p == null || p.owner != null) {
      return;
    }
    String owner = caller.key().id();
    var existing = p.store.reserveIdempotencyKey(owner, p.key, p.requestHash,
        p.clock.instant().minus(RETENTION));
    if (existing.isEmpty()) {
      p.owner = owner;
      ctx.put(Responses.ON_ANSWER, (Responses.AnswerListener) (status, body) -> complete(p, status, body));
      return;
    }
    IdempotentAnswer a = existing.get();
    if (!a.requestHash().equals(p.requestHash)) {
      throw new KeywardenException(ErrorCode.IDEMPOTENCY_KEY_REUSED, HEADER,
          "This Idempotency-Key was already used for a different request (method, path or body); use a new key.");
    }
    if (a.inProgress()) {
      throw new KeywardenException(ErrorCode.IDEMPOTENCY_IN_PROGRESS, HEADER,
          "A request with this Idempotency-Key is still being processed; retry in a moment.");
    }
    if (p.secretBearing) {
      String id = Json.parseOrEmpty(a.body()).path("data").path("id").asText("");
      throw new KeywardenException(ErrorCode.IDEMPOTENCY_REPLAYED_SECRET, HEADER,
          "The key " + id + " was created by the first request with this Idempotency-Key; its secret"
              + " is shown only once and is not stored. Rotate the key (POST /v1/keys/" + id
              + "/rotate) to get a new secret, or revoke it.");
    }
    throw new io.keywarden.server.http.Replayed(a.status(), a.body());
  }

  /** Keeps the first answer; a key's secret is never kept. */
  private static void complete(Pending p, int status, ObjectNode body) {
    if (status >= 300) {
      p.store.releaseIdempotencyKey(p.owner, p.key);
      return;
    }
    ObjectNode kept = body;
    JsonNode data = body.get("data");
    if (data instanceof ObjectNode d && d.has("secret")) {
      kept = body.deepCopy();
      ((ObjectNode) kept.get("data")).remove("secret");
    }
    p.store.completeIdempotencyKey(p.owner, p.key, status, new String(Json.bytes(kept), StandardCharsets.UTF_8));
  }

  /** SHA-256 of method, path and body: what makes two requests "the same". */
  private static String hash(RoutingContext ctx) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((ctx.request().method().name() + " " + ctx.request().path() + "\n")
          .getBytes(StandardCharsets.UTF_8));
      var body = ctx.body();
      if (body != null && body.buffer() != null) {
        md.update(body.buffer().getBytes());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
